import type { SipRequest } from '@switchboard/sip';
import { warningOf } from './bridge/sdp-media-limit.js';
import type { CallDeps } from './call-deps.js';
import type { CallEnding, CallLogIds } from './call-session-hooks.js';
import { bodyOf } from './legs/caller-leg.js';
import type { CallMedia } from './media/call-media.js';

/** What the caller's media check reads from its call (passed in, not the whole session). */
export interface CallerMediaHost extends Pick<CallEnding, 'failTo'> {
  readonly deps: CallDeps;
  readonly media: CallMedia;
  readonly invite: SipRequest;
  readonly callerExtension: string | undefined;
  readonly log: CallLogIds;
}

/** The caller's media policy, looked up once per call (before its offer is checked and branches open). */
export class CallerMediaReadiness {
  private policyKnown = false;

  constructor(private readonly host: CallerMediaHost) {}

  /**
   * Resolves the caller's media policy and checks its offer against its SRTP policy: false when
   * the call was answered here (488 for a refused offer, 503 when the policy cannot be read).
   */
  async ready(): Promise<boolean> {
    if (this.policyKnown) return true;
    const { deps, media, callerExtension } = this.host;
    const lookup = deps.callerMediaPolicy;
    if (callerExtension && lookup) {
      try {
        media.setCallerPolicy(await lookup(callerExtension));
      } catch {
        // Logged by the lookup. Without the policy a `required` SRTP phone could go plain: refuse.
        this.host.failTo(
          503,
          'Service Unavailable',
          [['Retry-After', String(deps.retryAfterSeconds)]],
          'failed',
          'media policy unavailable',
        );
        return false;
      }
    }
    this.policyKnown = true;
    const refused = media.refusedCallerOffer(bodyOf(this.host.invite));
    if (refused) {
      deps.logger.info({ ...this.host.log, reason: refused }, 'caller offer refused (SRTP policy)');
      this.host.failTo(488, 'Not Acceptable Here', [warningOf(refused, 302)], 'rejected', 'SRTP policy');
      return false;
    }
    return true;
  }
}
