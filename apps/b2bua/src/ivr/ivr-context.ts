import type { IvrMenuRepository } from './ivr-menu.repository.js';
import type { VoicemailService } from '../voicemail/voicemail.service.js';

/** What every menu call of one signalling process shares. */
export interface IvrContext {
  readonly menus: IvrMenuRepository;
  /** A choice of voicemail takes the caller as the menu answered it. */
  readonly voicemail: Pick<VoicemailService, 'deposit'>;
}
