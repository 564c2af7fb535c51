import type { Dialog } from '@switchboard/dialog';
import type { SipRequest } from '@switchboard/sip';
import type { LocalParty } from '../../voicemail/local-call.js';
import { bodyOf, type CallerLeg } from '../legs/caller-leg.js';
import { sendBye } from '../legs/in-dialog-route.js';

/**
 * A new call's caller as a local application's party: its INVITE's offer is answered in our 2xx
 * (retransmitted until the ACK, RFC 3261 §13.3.1.4), whose ACK confirms it; a refusal is a final
 * response to the INVITE. `focus`: the conference URI our 2xx names as Contact (RFC 4579 §4).
 */
export function callerParty(caller: CallerLeg, focus?: string): LocalParty {
  return {
    offer: bodyOf(caller.invite),
    sourceHost: caller.destination.host,
    get open() {
      return caller.open;
    },
    route: caller.route,
    contact: focus ?? caller.contact,
    answer: (sdp, outcome) =>
      caller.answer(sdp, {}, () => outcome.failed(408, 'No ACK'), undefined, [], focus),
    reject: (status, reason, headers) => caller.reject(status, reason, headers),
    confirmedBy: (ack: SipRequest) => ack.cseq.seq === caller.invite.cseq.seq,
    hangUp: (dialog: Dialog) => sendBye(caller.route, dialog),
  };
}
