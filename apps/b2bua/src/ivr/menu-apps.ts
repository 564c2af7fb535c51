import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';

/** Auto-attendant menus as seen by call control (provided by IvrModule under MENU_APPS). */
export interface MenuApps {
  /** The plan ended in menu(id): answer, play the greeting, read the caller's keys. */
  run(context: LocalCallContext, menu: string): LocalCall;
}

export const MENU_APPS = Symbol('MenuApps');
