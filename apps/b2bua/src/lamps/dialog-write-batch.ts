import { redisKeys, type ExtensionDialog } from '@switchboard/live-state';
import { dialogChangeJson, dialogChangesMessage } from './dialog-change-message.js';

/**
 * What one change does to its resource's hash in the write script: `d` deletes the dialog
 * (terminated), `s` sets it (and pushes the hash's TTL when the dialog is new there).
 */
type HashOp = 'd' | 's';

/** The write script's input: KEYS and ARGV (see DIALOG_WRITE_SCRIPT). */
export interface DialogWriteArgs {
  readonly keys: string[];
  readonly args: string[];
}

/**
 * The dialog changes of one event-loop turn, written to Redis in one script call. A dialog changed
 * more than once in the turn keeps only its last state, at the place of its last change: a pickup's
 * trying then confirmed, a 180 and 200 read in the same turn (early then confirmed), a fork branch
 * tried and cancelled at once. Readers lose nothing they could have seen: the hash and a full-state
 * NOTIFY show the latest state only anyway, and a watcher's partial NOTIFYs (RFC 4235 §4.1) need not
 * carry every transition (§3.10 limits how often a user is notified; states still only move forward,
 * §3.7.1).
 */
export class DialogWriteBatch {
  private readonly changes = new Map<string, { resource: string; dialog: ExtensionDialog }>();

  get size(): number {
    return this.changes.size;
  }

  add(resource: string, dialog: ExtensionDialog): void {
    const key = `${resource}\n${dialog.id}`;
    this.changes.delete(key);
    this.changes.set(key, { resource, dialog });
  }

  /** KEYS: the hash of each change; ARGV: TTL ms, channel, message, then op, dialog id, JSON per change. */
  scriptArgs(ttlMs: number): DialogWriteArgs {
    const keys: string[] = [];
    const perChange: string[] = [];
    const message: string[] = [];
    for (const { resource, dialog } of this.changes.values()) {
      const json = JSON.stringify(dialog);
      const op: HashOp = dialog.state === 'terminated' ? 'd' : 's';
      keys.push(redisKeys.extensionDialogs(resource));
      perChange.push(op, dialog.id, op === 'd' ? '' : json);
      message.push(dialogChangeJson(resource, json));
    }
    return {
      keys,
      args: [String(ttlMs), redisKeys.dialogChanges, dialogChangesMessage(message), ...perChange],
    };
  }
}
