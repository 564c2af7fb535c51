import type { Dialog } from '@switchboard/dialog';
import type { LocalAnswerOutcome, LocalParty } from '../../voicemail/local-call.js';
import type { BridgeSide } from '../bridge/call-bridge.js';
import { reinviteSide } from '../bridge/side-reinvite.js';
import type { CallDeps } from '../call-deps.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { SessionBody } from '../legs/caller-leg.js';
import { sendBye } from '../legs/in-dialog-route.js';

type State = 'waiting' | 'offered' | 'confirmed' | 'refused';

/**
 * A party already in a call, answered by a local application instead of its peer (a transfer to
 * voicemail, a room or a menu; a REFER into a conference): there is no INVITE to answer, so the
 * application's SDP — its offer, as for an INVITE without SDP — goes in a re-INVITE of the party's
 * dialog (RFC 3261 §14.1), and the party's 2xx carries the answer (RFC 3264 §4). Until that 2xx the
 * party stays in its call as it was: a refused re-INVITE leaves the session unchanged (§14.2), and
 * a refusal by the application sends nothing at all. `refusal` says why it never joined.
 */
export class MovedParty implements LocalParty {
  private state: State = 'waiting';
  /** The status the join failed with (the application's refusal, or the party's answer). */
  refusal: { readonly status: number; readonly reason: string } | undefined;

  constructor(
    private readonly side: BridgeSide,
    private readonly deps: Pick<CallDeps, 'logger'>,
    private readonly log: CallLogIds,
    /** The party's 2xx took our offer (before the application hears of it). */
    private readonly onJoined: () => void,
  ) {}

  readonly offer = undefined;

  get sourceHost(): string {
    return this.side.route.peerHost;
  }

  get open(): boolean {
    return this.state === 'waiting';
  }

  /** The party took our offer: it belongs to the application now. */
  get joined(): boolean {
    return this.state === 'confirmed';
  }

  get route(): BridgeSide['route'] {
    return this.side.route;
  }

  get contact(): string {
    return this.side.contact;
  }

  answer(sdp: SessionBody, outcome: LocalAnswerOutcome): Dialog {
    this.state = 'offered';
    reinviteSide(this.side, sdp, this.deps, this.log, {
      answered: (answer, ack) => {
        ack();
        if (this.state !== 'offered') return; // the application gave up meanwhile
        this.state = 'confirmed';
        this.onJoined();
        outcome.confirmed(answer);
      },
      failed: (status, reason) => {
        if (this.state !== 'offered') return;
        this.state = 'refused';
        this.refusal = { status, reason };
        outcome.failed(status, reason);
      },
    });
    return this.side.dialog;
  }

  reject(status: number, reason: string): void {
    if (this.state !== 'waiting') return;
    this.state = 'refused';
    this.refusal = { status, reason };
  }

  confirmedBy(): boolean {
    return false; // no INVITE of the party's is ours to answer
  }

  hangUp(dialog: Dialog): void {
    if (this.state === 'confirmed') sendBye(this.side.route, dialog);
    else this.state = 'refused';
  }
}
