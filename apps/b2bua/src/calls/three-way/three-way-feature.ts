import type { SipRequest } from '@switchboard/sip';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import type { CallDeps } from '../call-deps.js';
import type { CallIdentity } from '../call-routing.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { AuthorisedTrunks } from '../legs/call-trunk-legs.js';
import type { LegRecord } from '../plan/branch-types.js';
import type { HangupSide } from '../records/call-record-builder.js';
import { partyOf } from '../transfer/refer-handler.js';
import { FeatureCodeCollector } from './feature-code-collector.js';
import { sipInfoDigit } from '../dtmf/sip-info-digit.js';
import { ThreeWayCall } from './three-way-call.js';

/** What the three-way feature of a bridged call reads from and does to its call. */
export interface ThreeWayFeatureHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  readonly invite: SipRequest;
  /** Who placed the call. */
  readonly identity: CallIdentity;
  /** Who answered it (extension number, AOR or URI). */
  answeredKey(): string | undefined;
  /** The bridged call's two sides (undefined before it is bridged). */
  sides(): Record<Side, BridgeSide> | undefined;
  /** The bridge stops relaying (no BYE): the room owns both dialogs now. */
  retireBridge(): void;
  legStarted(callId: string): void;
  addLegs(legs: readonly LegRecord[]): void;
  /** The call's trunk legs (absent: no trunks). */
  readonly trunks?: AuthorisedTrunks;
  end(side: HangupSide, cause: string): void;
}

/**
 * The three-way feature code of one bridged call (SWITCHBOARD_THREE_WAY_CODE, `*3` by default):
 * watches the keys either phone presses — DTMF SIP INFOs (RFC 6086) the bridge hands over, and
 * RFC 4733 events rtpengine reports for a call it anchors (the PBX is not on the RTP path of a
 * bridged call) — and on `<code><number>#` turns the call into a ThreeWayCall. Keys of the code and
 * the number sent by INFO are not relayed to the other phone; RFC 4733 events are relayed by
 * rtpengine before it reports them.
 */
export class ThreeWayFeature {
  private readonly collectors: Partial<Record<Side, FeatureCodeCollector>> = {};
  private running: ThreeWayCall | undefined;

  constructor(private readonly host: ThreeWayFeatureHost) {}

  /** The call is an ad-hoc conference now (requests of its legs go to it). */
  get call(): ThreeWayCall | undefined {
    return this.running;
  }

  /** An INFO in the bridged call from `from`: true when its key belongs to the feature (not relayed). */
  observe(from: Side, request: SipRequest): boolean {
    const digit = sipInfoDigit(request);
    return digit !== undefined && this.press(from, digit);
  }

  /**
   * A key `from`'s phone pressed (an INFO's, or an RFC 4733 event rtpengine reported): true when it
   * belongs to the feature code or the number after it.
   */
  press(from: Side, digit: string): boolean {
    const settings = this.host.deps.threeWay;
    const rooms = this.host.deps.conference;
    if (!settings || settings.code === '' || !rooms || this.running) return false;
    const collector = (this.collectors[from] ??= new FeatureCodeCollector(
      settings.code,
      this.host.deps.port.clock,
      settings.digitTimeoutMs,
      (digits) => {
        if (digits !== '') this.start(from, digits);
      },
    ));
    const result = collector.press(digit);
    if (result.kind === 'dial') {
      // After an INFO's 200 (the caller answers it on return), so the phone sees it before our re-INVITE.
      if (result.digits !== '') queueMicrotask(() => this.start(from, result.digits));
      return true;
    }
    return result.kind === 'collecting';
  }

  /** The call ended: timers stopped, a running three-way call's media closed. */
  stop(): void {
    for (const c of Object.values(this.collectors)) c.close();
    this.running?.stop();
  }

  private start(presser: Side, digits: string): void {
    const sides = this.host.sides();
    const room = this.host.deps.conference?.openAdHoc(this.host.log.call, this.host.deps.port.clock);
    if (!sides || !room || this.running) return;
    for (const c of Object.values(this.collectors)) c.close();
    this.host.retireBridge();
    const { deps } = this.host;
    const answered = this.host.answeredKey() ?? 'unknown';
    const labels = {
      caller: this.host.identity.callerExtension ?? this.host.identity.callerUri,
      callee: answered,
    };
    const identity = presser === 'caller' ? this.host.identity : partyOf(answered, deps.domain);
    const call = new ThreeWayCall({
      deps,
      log: this.host.log,
      invite: this.host.invite,
      room,
      trunks: this.host.trunks,
      legStarted: (callId) => this.host.legStarted(callId),
      addLegs: (legs) => this.host.addLegs(legs),
      ended: (side, cause) => this.host.end(side, cause),
    });
    this.running = call;
    call.start(sides, labels, { side: presser, identity }, digits).catch((err: unknown) => {
      deps.logger.error({ ...this.host.log, err }, 'three-way call failed internally');
      call.hangUpAll('three-way: internal error');
    });
  }
}
