import { randomInt } from 'node:crypto';
import { type Clock, DEFAULT_TIMERS, type TimerConfig, type TimerHandle } from '@switchboard/transactions';
import { type DialogId, dialogKey } from './dialog-id.js';
import { DialogMessageError, DialogStateError } from './dialog-errors.js';
import {
  type HeaderField,
  type IncomingRequest,
  type IncomingResponse,
  type NameAddr,
  type OutgoingBody,
  type OutgoingRequest,
} from './dialog-message.js';
import { glareRetryDelayMs } from './glare-retry.js';
import { resolveRequestTarget } from './request-target.js';
import { Uas2xxRetransmitter } from './uas-2xx-retransmitter.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';
export type DialogRole = 'uac' | 'uas';
export type DialogTerminationReason =
  | 'rejected'
  | 'bye-sent'
  | 'bye-received'
  | 'status-481'
  | 'status-408'
  | 'timeout'
  | 'fork-expired'
  | 'local';

export interface DialogHooks {
  onStateChange?(dialog: Dialog, state: DialogState, reason?: DialogTerminationReason): void;
  /** §14.1 glare timer fired after a 491: resend the re-INVITE/UPDATE now (build it again with createRequest). */
  onGlareRetry?(dialog: Dialog, method: 'INVITE' | 'UPDATE'): void;
  /** §13.3.1.4: no ACK for our 2xx within 64*T1; the session should be ended by sending this BYE. */
  onAckTimeout?(dialog: Dialog, bye: OutgoingRequest): void;
}

export interface DialogOptions {
  clock: Clock;
  /** Our Contact URI, sent in target refresh requests. */
  localContact: string;
  timers?: TimerConfig;
  hooks?: DialogHooks;
  /** Random in [0, 1) for the §14.1 timers; injectable for tests. */
  random?: () => number;
  /** Initial local CSeq when the dialog was created by a request we received (§12.1.1: chosen by us). */
  initialLocalSeq?: number;
  /** The first hop is a reliable transport: 2xx needs no retransmission, only the 64*T1 wait for ACK. */
  reliable?: boolean;
}

export interface RequestOptions {
  headers?: HeaderField[];
  body?: OutgoingBody;
}

/** Outcome of `receiveRequest`: go on, or answer with the given status (§12.2.2, §14.2, RFC 3311 §5.2). */
export type RequestCheck =
  { accept: true } | { accept: false; status: 481 | 491 | 500; reason: string; retryAfterSeconds?: number };

/** Methods whose requests carry our Contact and whose 2xx refreshes the remote target (§12.2, RFC 3311, 3515, 6665). */
const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

interface DialogInit {
  id: DialogId;
  role: DialogRole;
  state: DialogState;
  local: NameAddr;
  remote: NameAddr;
  remoteTarget: string;
  routeSet: string[];
  localSeq: number | undefined;
  remoteSeq: number | undefined;
  secure: boolean;
}

/**
 * A SIP dialog (RFC 3261 §12) with the re-INVITE rules of §14 and the UAS 2xx retransmission of
 * §13.3.1.4. It holds state and decides; sending is the caller's: it builds OutgoingRequests and is
 * told what was sent and received. Timers run on the injected Clock.
 */
export class Dialog {
  readonly id: DialogId;
  readonly key: string;
  readonly role: DialogRole;
  readonly local: NameAddr;
  readonly remote: NameAddr;
  readonly secure: boolean;
  private currentState: DialogState;
  private target: string;
  private routes: string[];
  private localCSeq: number | undefined;
  private remoteCSeq: number | undefined;
  /** CSeq of our INVITE/UPDATE with an offer still awaiting a final response (glare, §14.1). */
  private outgoingInvite: number | undefined;
  private outgoingUpdateOffer: number | undefined;
  /** CSeq of a received INVITE we have not answered finally yet (§14.2). */
  private incomingInvite: number | undefined;
  private readonly retransmitters = new Map<number, Uas2xxRetransmitter>();
  private readonly acks = new Map<number, OutgoingRequest>();
  private glareTimer: TimerHandle | undefined;
  private readonly timers: TimerConfig;
  private readonly random: () => number;

  private constructor(
    init: DialogInit,
    private readonly options: DialogOptions,
  ) {
    this.id = init.id;
    this.key = dialogKey(init.id);
    this.role = init.role;
    this.currentState = init.state;
    this.local = init.local;
    this.remote = init.remote;
    this.target = init.remoteTarget;
    this.routes = init.routeSet;
    this.localCSeq = init.localSeq;
    this.remoteCSeq = init.remoteSeq;
    this.secure = init.secure;
    this.timers = options.timers ?? DEFAULT_TIMERS;
    this.random = options.random ?? Math.random;
  }

  /**
   * UAC side, §12.1.2: a dialog from a response with a To tag to our INVITE (1xx → early, 2xx → confirmed).
   * The route set is the Record-Route of the response in reverse order.
   */
  static asUac(invite: OutgoingRequest, response: IncomingResponse, options: DialogOptions): Dialog {
    const remoteTag = response.to.tag;
    if (remoteTag === undefined || remoteTag === '') throw new DialogMessageError('response has no To tag');
    const localTag = invite.from.tag;
    if (localTag === undefined) throw new DialogMessageError('our INVITE has no From tag');
    const confirmed = response.status >= 200 && response.status < 300;
    if (!confirmed && (response.status <= 100 || response.status >= 200)) {
      throw new DialogMessageError(`status ${response.status} does not create a dialog`);
    }
    if (confirmed && response.contact === undefined)
      throw new DialogMessageError('2xx to INVITE has no Contact');
    return new Dialog(
      {
        id: { callId: invite.callId, localTag, remoteTag },
        role: 'uac',
        state: confirmed ? 'confirmed' : 'early',
        local: invite.from,
        remote: { ...response.to, tag: remoteTag },
        remoteTarget: response.contact ?? invite.requestUri,
        routeSet: [...(response.recordRoute ?? [])].reverse(),
        localSeq: invite.cseq.seq,
        remoteSeq: undefined,
        secure: invite.requestUri.toLowerCase().startsWith('sips:'),
      },
      options,
    );
  }

  /**
   * UAS side, §12.1.1: a dialog from a received INVITE answered with a 1xx/2xx carrying our To tag.
   * The route set is the request's Record-Route in order. Starts early; `responseSent` confirms it.
   */
  static asUas(request: IncomingRequest, localTag: string, options: DialogOptions): Dialog {
    if (request.contact === undefined) throw new DialogMessageError('request has no Contact');
    if (localTag === '') throw new DialogMessageError('local tag must not be empty');
    return new Dialog(
      {
        id: { callId: request.callId, localTag, remoteTag: request.from.tag ?? '' },
        role: 'uas',
        state: 'early',
        local: { ...request.to, tag: localTag },
        remote: request.from,
        remoteTarget: request.contact,
        routeSet: [...(request.recordRoute ?? [])],
        localSeq: undefined,
        remoteSeq: request.cseq.seq,
        secure: request.requestUri.toLowerCase().startsWith('sips:'),
      },
      options,
    );
  }

  get state(): DialogState {
    return this.currentState;
  }
  get remoteTarget(): string {
    return this.target;
  }
  get routeSet(): readonly string[] {
    return this.routes;
  }
  get localSeq(): number | undefined {
    return this.localCSeq;
  }
  get remoteSeq(): number | undefined {
    return this.remoteCSeq;
  }
  /** True if we generated the Call-ID (we were the UAC of the initial INVITE), for §14.1 timers. */
  get ownsCallId(): boolean {
    return this.role === 'uac';
  }
  /** §14.1: no new re-INVITE while an INVITE transaction is in progress in either direction. */
  get canReinvite(): boolean {
    return (
      this.outgoingInvite === undefined && this.incomingInvite === undefined && this.state === 'confirmed'
    );
  }

  /** Builds a request within the dialog, §12.2.1.1 (ACK for 2xx: use `createAck`; CANCEL is hop-by-hop). */
  createRequest(method: string, options: RequestOptions = {}): OutgoingRequest {
    if (this.currentState === 'terminated')
      throw new DialogStateError(`dialog terminated, cannot send ${method}`);
    if (method === 'ACK' || method === 'CANCEL')
      throw new DialogStateError(`${method} is not built by createRequest`);
    if (method === 'INVITE' && !this.canReinvite)
      throw new DialogStateError('an INVITE transaction is in progress');
    this.localCSeq = (this.localCSeq ?? this.options.initialLocalSeq ?? randomInt(1, 2 ** 16)) + 1;
    const seq = this.localCSeq;
    if (method === 'INVITE') this.outgoingInvite = seq;
    if (method === 'UPDATE' && options.body !== undefined) this.outgoingUpdateOffer = seq;
    return this.build(method, seq, options, TARGET_REFRESH.has(method));
  }

  /** ACK for a 2xx to our INVITE with that CSeq (§13.2.2.4); the same ACK again for a retransmitted 2xx. */
  createAck(inviteSeq: number, options: RequestOptions = {}): OutgoingRequest {
    const cached = this.acks.get(inviteSeq);
    if (cached) return cached;
    const ack = this.build('ACK', inviteSeq, options, false);
    this.acks.set(inviteSeq, ack);
    return ack;
  }

  /** Checks a request received within this dialog, §12.2.2 and §14.2; updates the remote CSeq. */
  receiveRequest(request: IncomingRequest): RequestCheck {
    if (this.currentState === 'terminated')
      return { accept: false, status: 481, reason: 'Dialog terminated' };
    const seq = request.cseq.seq;
    if (request.method === 'ACK') {
      this.retransmitters.get(seq)?.ackReceived();
      this.retransmitters.delete(seq);
      return { accept: true };
    }
    if (this.remoteCSeq !== undefined && seq < this.remoteCSeq) {
      return { accept: false, status: 500, reason: 'CSeq out of order' };
    }
    this.remoteCSeq = seq;
    if (request.method === 'INVITE') {
      if (this.incomingInvite !== undefined) {
        // §14.2: a second INVITE before we answered the first one.
        return {
          accept: false,
          status: 500,
          reason: 'Previous INVITE pending',
          retryAfterSeconds: Math.floor(this.random() * 11),
        };
      }
      if (this.outgoingInvite !== undefined || this.outgoingUpdateOffer !== undefined) {
        return { accept: false, status: 491, reason: 'Request Pending' };
      }
      this.incomingInvite = seq;
    }
    if (request.method === 'UPDATE' && request.hasBody === true) {
      // RFC 3311 §5.2: an offer in UPDATE while our own offer is outstanding.
      if (this.outgoingInvite !== undefined || this.outgoingUpdateOffer !== undefined) {
        return { accept: false, status: 491, reason: 'Request Pending' };
      }
    }
    return { accept: true };
  }

  /**
   * Tells the dialog we answered `request` (the initial INVITE or an in-dialog request) with `status`.
   * For a 2xx to INVITE pass `retransmit`, which resends that 2xx (§13.3.1.4) until the ACK arrives.
   */
  responseSent(request: IncomingRequest, status: number, retransmit?: () => void): void {
    if (this.currentState === 'terminated' || status < 200) return;
    const ok = status < 300;
    const method = request.method;
    if (method === 'INVITE' && request.cseq.seq === this.incomingInvite) this.incomingInvite = undefined;
    if (this.currentState === 'early' && this.role === 'uas' && method === 'INVITE') {
      if (!ok) return this.terminate('rejected');
      this.setState('confirmed');
    } else if (ok && TARGET_REFRESH.has(method) && request.contact !== undefined) {
      // RFC 6141 §3.4: the remote target changes once the target refresh request succeeds.
      this.target = request.contact;
    }
    if (ok && method === 'INVITE' && retransmit) this.start2xxRetransmission(request.cseq.seq, retransmit);
    if (ok && method === 'BYE') this.terminate('bye-received');
  }

  /** Tells the dialog a response arrived for `request`, which we sent within it (§12.2.1.2, §14.1, §15). */
  responseReceived(request: OutgoingRequest, response: IncomingResponse): void {
    if (this.currentState === 'terminated' || response.status < 200) return;
    const { method, seq } = { method: request.method, seq: request.cseq.seq };
    if (method === 'INVITE' && seq === this.outgoingInvite) this.outgoingInvite = undefined;
    if (method === 'UPDATE' && seq === this.outgoingUpdateOffer) this.outgoingUpdateOffer = undefined;
    if (method === 'BYE') return this.terminate('bye-sent');
    if (response.status === 481) return this.terminate('status-481');
    if (response.status === 408) return this.terminate('status-408');
    const ok = response.status < 300;
    if (ok && TARGET_REFRESH.has(method) && response.contact !== undefined) this.target = response.contact;
    if (response.status === 491 && (method === 'INVITE' || method === 'UPDATE'))
      this.scheduleGlareRetry(method);
  }

  /** No response at all to a request we sent in the dialog (transaction timeout / transport error, §12.2.1.2). */
  requestFailed(request: OutgoingRequest): void {
    if (request.method === 'INVITE' && request.cseq.seq === this.outgoingInvite)
      this.outgoingInvite = undefined;
    this.terminate('timeout');
  }

  /** UAC: a 2xx for this early dialog arrived, §13.2.2.4: confirm and recompute the route set from it. */
  confirmFrom(response: IncomingResponse): void {
    if (this.currentState !== 'early') return;
    this.routes = [...(response.recordRoute ?? [])].reverse();
    if (response.contact !== undefined) this.target = response.contact;
    this.setState('confirmed');
  }

  /** UAC: a provisional response within the early dialog may refresh the remote target (§12.1.2, §13.2.2.4). */
  updateFromProvisional(response: IncomingResponse): void {
    if (this.currentState === 'early' && response.contact !== undefined) this.target = response.contact;
  }

  terminate(reason: DialogTerminationReason): void {
    if (this.currentState === 'terminated') return;
    for (const r of this.retransmitters.values()) r.stop();
    this.retransmitters.clear();
    this.glareTimer?.cancel();
    this.currentState = 'terminated';
    this.options.hooks?.onStateChange?.(this, 'terminated', reason);
  }

  private setState(state: DialogState): void {
    this.currentState = state;
    this.options.hooks?.onStateChange?.(this, state);
  }

  private build(method: string, seq: number, options: RequestOptions, withContact: boolean): OutgoingRequest {
    const { requestUri, route, nextHop } = resolveRequestTarget(this.target, this.routes);
    return {
      method,
      requestUri,
      route,
      nextHop,
      from: { ...this.local, tag: this.id.localTag },
      to: this.id.remoteTag === '' ? { ...this.remote } : { ...this.remote, tag: this.id.remoteTag },
      callId: this.id.callId,
      cseq: { seq, method },
      ...(withContact ? { contact: this.options.localContact } : {}),
      maxForwards: 70,
      headers: options.headers ?? [],
      ...(options.body !== undefined ? { body: options.body } : {}),
    };
  }

  private start2xxRetransmission(seq: number, retransmit: () => void): void {
    this.retransmitters.get(seq)?.stop();
    const r = new Uas2xxRetransmitter(
      this.options.clock,
      this.timers,
      retransmit,
      () => {
        this.retransmitters.delete(seq);
        if (this.currentState === 'terminated') return;
        this.options.hooks?.onAckTimeout?.(this, this.createRequest('BYE'));
      },
      this.options.reliable ?? false,
    );
    this.retransmitters.set(seq, r);
    r.start();
  }

  private scheduleGlareRetry(method: 'INVITE' | 'UPDATE'): void {
    this.glareTimer?.cancel();
    const delay = glareRetryDelayMs(this.ownsCallId, this.random);
    this.glareTimer = this.options.clock.schedule(delay, () => {
      this.glareTimer = undefined;
      if (this.currentState !== 'terminated') this.options.hooks?.onGlareRetry?.(this, method);
    });
  }
}
