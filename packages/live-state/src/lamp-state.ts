import type { ExtensionDialog } from './redis-keys.js';

/**
 * What an extension's busy lamp shows, from its dialogs (RFC 4235 states), as desk phones light a
 * BLF key: in a call (confirmed) wins over ringing (a recipient dialog not yet confirmed), which wins
 * over dialling (an initiator dialog not yet confirmed). The admin's Live page and presence (RFC 3856)
 * show the same state.
 */
export type LampState = 'idle' | 'dialling' | 'ringing' | 'busy';

export function lampState(dialogs: readonly ExtensionDialog[]): LampState {
  const open = dialogs.filter((d) => d.state !== 'terminated');
  if (open.some((d) => d.state === 'confirmed')) return 'busy';
  if (open.some((d) => d.direction === 'recipient')) return 'ringing';
  if (open.length > 0) return 'dialling';
  return 'idle';
}
