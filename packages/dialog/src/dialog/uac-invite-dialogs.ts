import { type TimerHandle, DEFAULT_TIMERS } from '@switchboard/transactions';
import { Dialog, type DialogOptions, type RequestOptions } from './dialog.js';
import { type IncomingResponse, type OutgoingRequest } from './dialog-message.js';

export type UacInviteOutcome =
  /** 1xx; `dialog` is the early dialog of the answering branch when the response has a To tag. */
  | { kind: 'provisional'; dialog?: Dialog; created: boolean }
  /**
   * 2xx: send `ack`. `first` is true for the first 2xx of any branch; a later 2xx from another branch
   * creates its own dialog (§13.2.2.4) which the caller usually ends with BYE right after the ACK.
   */
  | { kind: 'success'; dialog: Dialog; ack: OutgoingRequest; first: boolean; retransmission: boolean }
  /** 3xx–6xx: every early dialog ended (§13.2.2.3). */
  | { kind: 'failure'; terminated: Dialog[] }
  | { kind: 'ignored'; reason: string };

/**
 * The UAC core's dialogs for one INVITE it sent: early dialogs per forked branch (To tag), their
 * confirmation by 2xx, the ACK for every 2xx (retransmissions included), and the end of the
 * remaining early dialogs 64*T1 after the first 2xx (§13.2.2.4) or on a final failure / timeout.
 */
export class UacInviteDialogs {
  private readonly byTag = new Map<string, Dialog>();
  private firstSuccess = false;
  private completed = false;
  private completionTimer: TimerHandle | undefined;

  constructor(
    readonly invite: OutgoingRequest,
    private readonly options: DialogOptions,
    /** Applied to every ACK, e.g. the INVITE's credentials which the ACK must repeat (§13.2.2.4). */
    private readonly ackOptions: RequestOptions = {},
  ) {}

  get dialogs(): Dialog[] {
    return [...this.byTag.values()];
  }

  receiveResponse(response: IncomingResponse): UacInviteOutcome {
    if (response.callId !== this.invite.callId || response.cseq.seq !== this.invite.cseq.seq) {
      return { kind: 'ignored', reason: 'not a response to this INVITE' };
    }
    if (response.from.tag !== this.invite.from.tag) return { kind: 'ignored', reason: 'From tag mismatch' };
    const tag = response.to.tag;
    if (response.status < 200) return this.onProvisional(response, tag);
    if (response.status < 300) return this.onSuccess(response, tag);
    return this.onFailure();
  }

  /** The INVITE client transaction timed out (Timer B) or failed: every early dialog ends. */
  transactionFailed(): Dialog[] {
    return this.endEarlyDialogs('timeout');
  }

  /** Stops the 64*T1 timer (e.g. the call is torn down). */
  dispose(): void {
    this.completionTimer?.cancel();
  }

  private onProvisional(response: IncomingResponse, tag: string | undefined): UacInviteOutcome {
    if (response.status === 100 || tag === undefined || tag === '' || this.completed) {
      return { kind: 'provisional', created: false };
    }
    const existing = this.byTag.get(tag);
    if (existing) {
      existing.updateFromProvisional(response);
      return { kind: 'provisional', dialog: existing, created: false };
    }
    if (this.firstSuccess) return { kind: 'provisional', created: false };
    const dialog = Dialog.asUac(this.invite, response, this.options);
    this.byTag.set(tag, dialog);
    return { kind: 'provisional', dialog, created: true };
  }

  private onSuccess(response: IncomingResponse, tag: string | undefined): UacInviteOutcome {
    if (tag === undefined || tag === '') return { kind: 'ignored', reason: '2xx without To tag' };
    if (this.completed) return { kind: 'ignored', reason: 'INVITE completed 64*T1 after the first 2xx' };
    let dialog = this.byTag.get(tag);
    let retransmission = false;
    if (dialog === undefined) {
      dialog = Dialog.asUac(this.invite, response, this.options);
      this.byTag.set(tag, dialog);
    } else if (dialog.state === 'early') {
      dialog.confirmFrom(response);
    } else {
      retransmission = true;
    }
    const first = !this.firstSuccess;
    if (first) {
      this.firstSuccess = true;
      const t1 = (this.options.timers ?? DEFAULT_TIMERS).t1;
      this.completionTimer = this.options.clock.schedule(64 * t1, () => {
        this.completed = true;
        this.endEarlyDialogs('fork-expired');
      });
    }
    const ack = dialog.createAck(this.invite.cseq.seq, this.ackOptions);
    return { kind: 'success', dialog, ack, first: first && !retransmission, retransmission };
  }

  private onFailure(): UacInviteOutcome {
    this.completionTimer?.cancel();
    this.completed = true;
    return { kind: 'failure', terminated: this.endEarlyDialogs('rejected') };
  }

  private endEarlyDialogs(reason: 'rejected' | 'timeout' | 'fork-expired'): Dialog[] {
    const ended: Dialog[] = [];
    for (const d of this.byTag.values()) {
      if (d.state !== 'early') continue;
      d.terminate(reason);
      ended.push(d);
    }
    return ended;
  }
}
