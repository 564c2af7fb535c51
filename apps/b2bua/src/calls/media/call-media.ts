import type { Logger } from '@switchboard/config';
import { NgError, type NgClient, type NgDelete, type NgSdpOptions } from '@switchboard/rtpengine';
import { normalizeHost, type Clock } from '@switchboard/transactions';
import { relayBody, type BodyRelay } from '../bridge/session-body-relay.js';
import type { SessionBody } from '../legs/caller-leg.js';
import { CallRecording, type RecordingDeps } from './call-recording.js';
import { isOnHold } from './hold-detection.js';
import type { MediaMetrics } from './media-metrics.js';
import { MediaWatchdog, type WatchdogTiming } from './media-watchdog.js';
import type { RelayHealth } from './relay-health.js';
import { branchRelayDecision, DEFAULT_LEG_POLICY, type LegMediaPolicy } from './media-policy.js';
import { restoreUnrelayedMedia } from './relayed-media-lines.js';
import { checkOfferFrom, offersSrtp, rtpProfileTowards } from './srtp-offer.js';

// Module constant: a regular expression literal in a function body is a new object per call.
const SDP_TYPE = /^application\/sdp\b/i;

/**
 * SDES suites rtpengine must not offer a SRTP leg, leaving AES_CM_128_HMAC_SHA1_80 and _32 (RFC
 * 4568 §6.2.1-2, what desk phones implement): NULL ciphers authenticate without encrypting (they
 * would defeat a `required` policy), F8 is rarely implemented, and the AES-192/256 and AEAD-GCM
 * suites (RFC 6188, RFC 7714) failed to decrypt with baresip 1.0 in our tests.
 */
const SDES_LEFT_OUT = [
  'NULL_HMAC_SHA1_80',
  'NULL_HMAC_SHA1_32',
  'F8_128_HMAC_SHA1_80',
  'F8_128_HMAC_SHA1_32',
  'AES_192_CM_HMAC_SHA1_80',
  'AES_192_CM_HMAC_SHA1_32',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
];

export type MediaMode = 'relay' | 'direct' | 'auto';

/** What a call needs from the process-wide media relay settings. */
export interface MediaAnchorDeps {
  readonly mode: MediaMode;
  /** Absent: no rtpengine configured, every call is `direct` (and SRTP cannot be bridged). */
  readonly client: NgClient | undefined;
  /** rtpengine has an `external` interface: NATed parties are relayed on it, others on `internal`. */
  readonly hasExternalInterface: boolean;
  readonly logger: Logger;
  /** What a new call gets while rtpengine does not answer (SWITCHBOARD_MEDIA_FALLBACK); default `direct`. */
  readonly fallback?: 'direct' | '503';
  /** Whether rtpengine answers (absent: assumed to). */
  readonly health?: RelayHealth;
  /** Answered relayed calls are watched in rtpengine on this clock (absent: not watched). */
  readonly watch?: { readonly clock: Clock; readonly timing: WatchdogTiming };
  /** Call recording in rtpengine (absent: no call is recorded). */
  readonly recording?: RecordingDeps;
  /** Counted on /metrics (absent: not counted). */
  readonly metrics?: MediaMetrics;
}

/** A party as the media relay sees it. */
export interface PartyMedia {
  /** Where its SIP comes from (the INVITE's source, the REGISTER's for a callee). */
  readonly sourceHost: string;
  /** Its source differs from its Contact/SDP address: its SDP address is not to be trusted. */
  readonly behindNat: boolean;
  /** Its extension's media mode and SRTP policy (absent: DEFAULT_LEG_POLICY). */
  readonly policy?: LegMediaPolicy;
}

/** Which way an SDP body crosses: from the caller or from a callee branch (its leg's Call-ID). */
export type Party = 'caller' | { readonly branch: string };

export interface SdpCrossing {
  /** RFC 3264: an offer (INVITE/UPDATE request, or a 2xx to an INVITE without SDP) or its answer. */
  readonly kind: 'offer' | 'answer';
  readonly from: Party;
  readonly to: Party;
}

/**
 * The one place where SDP crosses the B2BUA's legs with media anchoring (issue #24): every SDP body
 * between caller and callees goes through `cross`. A branch is relayed through rtpengine in mode
 * `relay`, in `auto` when the caller or that callee is behind NAT, never in `direct`. rtpengine sees
 * one call per CallSession, the caller as tag `caller` and each callee branch as its own tag and
 * `via-branch`, so forked early media get their own ports. Crossings of a call run in order (a
 * 183's answer before the 200's). Everything is logged with the call id. When rtpengine fails a
 * branch's first offer, the branch goes direct (fallback `direct`) or the call ends (`503`); once a
 * branch holds rtpengine ports, a failure ends the call (`onEnd`): BYE both ways when answered.
 * An answered call is watched (MediaWatchdog) and ended on media timeout or a lost relay.
 *
 * Each side has its own media policy (media-policy.ts: the stronger mode wins, SRTP forces relay).
 * Offers are checked against their sender's SRTP policy (srtp-offer.ts: 488 when refused), and a
 * relayed offer is turned into SRTP (RTP/SAVP with rtpengine's SDES keys) or plain RTP/AVP for
 * its receiver: SRTP when its policy is `required`, or `optional` and it offered SRTP itself in this
 * call; rtpengine answers each side in the profile that side offered.
 */
export class CallMedia {
  /** Relayed branches (by leg Call-ID) and where each callee is. */
  private readonly relayed = new Map<string, PartyMedia>();
  /** Relayed branches rtpengine has ports for (one crossing succeeded). */
  private readonly anchored = new Set<string>();
  /** Every branch's callee policy (relayed or not). */
  private readonly calleePolicies = new Map<string, LegMediaPolicy>();
  /** Where every branch's callee is (relayed or not): a take-over by another call asks (partyMedia). */
  private readonly parties = new Map<string, PartyMedia>();
  /** Parties whose leg rtpengine already dropped (leave): told once. */
  private readonly left = new Set<string>();
  /** Parties (`caller` or a branch) that offered SRTP in this call: an `optional` one keeps it. */
  private readonly srtpParties = new Set<string>();
  private callerPolicy: LegMediaPolicy;
  private serial: Promise<void> = Promise.resolve();
  private ended = false;
  private watchdog: MediaWatchdog | undefined;
  private readonly recording: CallRecording | undefined;

  constructor(
    private readonly deps: MediaAnchorDeps,
    private readonly callId: string,
    private readonly caller: PartyMedia,
    /** SWITCHBOARD_SDP_MAX_MEDIA: a body with more m-lines is refused (488), never relayed. */
    private readonly maxMedia?: number,
    /** The relay failed this call beyond the fallback, or its media timed out: the record cause. */
    private readonly onEnd: (cause: string) => void = () => undefined,
  ) {
    const { recording, client } = deps;
    this.recording =
      recording && client ? new CallRecording(recording, client, callId, deps.logger) : undefined;
    this.callerPolicy = caller.policy ?? DEFAULT_LEG_POLICY;
  }

  /** The caller's extension policy, once looked up (before any branch opens). */
  setCallerPolicy(policy: LegMediaPolicy): void {
    this.callerPolicy = policy;
  }

  /**
   * The caller's offer on a branch that is not relayed (the relayed ones cross in `cross`): checked
   * against both sides' SRTP policies, a best-effort a=crypto from an `off` caller dropped.
   */
  directOffer(branch: string, body: SessionBody): BodyRelay {
    const offer: BodyRelay = { ok: true, body, mediaCount: 0 };
    if (!isSdp(body)) return offer;
    try {
      return this.srtpChecked({ kind: 'offer', from: 'caller', to: { branch } }, offer);
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : 'unreadable SDP' };
    }
  }

  /** The caller's initial offer against its SRTP policy: the reason of the 488, or undefined. */
  refusedCallerOffer(body: SessionBody | undefined): string | undefined {
    if (!body || !isSdp(body)) return undefined;
    try {
      const check = checkOfferFrom(this.callerPolicy.srtp, body.content.toString('utf8'));
      return check.ok ? undefined : check.reason;
    } catch {
      return undefined; // unreadable SDP: relayBody answers it with its own 488
    }
  }

  /**
   * A new call while rtpengine does not answer and the fallback is `503`: true when it would be
   * relayed (mode `relay`, or `auto` with the caller behind NAT) and must be refused.
   */
  refusesNewCall(): boolean {
    const { mode, client, health, fallback } = this.deps;
    const own = this.callerPolicy.mode === 'inherit' ? mode : this.callerPolicy.mode;
    const wantsRelay =
      own === 'relay' || (own === 'auto' && this.caller.behindNat) || this.callerPolicy.srtp === 'required';
    const refuses = client !== undefined && fallback === '503' && health?.up === false && wantsRelay;
    if (refuses) this.deps.metrics?.fallback('503');
    return refuses;
  }

  /**
   * Decides, at its first offer, whether a branch's media go through rtpengine. `offer`: the
   * caller's offer this branch gets (SRTP in it may force the relay). `mayRecord`: the call is
   * recorded if this branch answers, so `auto` relays it too (recording is rtpengine's).
   */
  openBranch(branch: string, callee: PartyMedia, offer?: SessionBody, mayRecord = false): boolean {
    const { mode, client, health } = this.deps;
    const calleePolicy = callee.policy ?? DEFAULT_LEG_POLICY;
    this.calleePolicies.set(branch, calleePolicy);
    this.parties.set(branch, callee);
    const decision = branchRelayDecision({
      global: mode,
      caller: this.callerPolicy,
      callee: calleePolicy,
      callerBehindNat: this.caller.behindNat,
      calleeBehindNat: callee.behindNat,
      callerOffersSrtp: offer !== undefined && isSdp(offer) && safeOffersSrtp(offer),
      recorded: mayRecord && !!this.recording,
    });
    const relay = client !== undefined && decision.relay;
    if (decision.relay && client === undefined)
      this.deps.logger.error(
        { call: this.callId, branch, why: decision.why },
        'no rtpengine configured: branch media direct',
      );
    if (relay && health?.up === false) {
      this.deps.logger.warn({ call: this.callId, branch }, 'rtpengine does not answer: branch media direct');
      this.deps.metrics?.fallback('direct');
      return false;
    }
    if (relay && this.relayed.size === 0) this.deps.metrics?.relayedCall();
    if (relay) this.relayed.set(branch, callee);
    this.deps.logger.debug({ call: this.callId, branch, relay, why: decision.why }, 'branch media');
    return relay;
  }

  /**
   * A transfer target's leg (RFC 3515 blind transfer): it takes the place of `replaced` facing
   * `transferee`. Relayed when that pair's media went through rtpengine (the transferee keeps its
   * anchor: rtpengine offers the target's SDP to it and answers back, issue #19), else as any branch.
   */
  openTarget(branch: string, callee: PartyMedia, transferee: Party, replaced: Party): boolean {
    if (this.deps.client && !this.ended && this.relaysBetween(transferee, replaced)) {
      this.calleePolicies.set(branch, callee.policy ?? DEFAULT_LEG_POLICY);
      this.parties.set(branch, callee);
      this.relayed.set(branch, callee);
      this.deps.logger.debug({ call: this.callId, branch }, 'transfer target media relayed');
      return true;
    }
    return this.openBranch(branch, callee);
  }

  /**
   * A picker's leg (call pickup, calls/pickup/): it answers the ringing caller in place of the rung
   * branches. Relayed (openTarget) when the caller's media go through rtpengine on one of them.
   */
  openPicker(branch: string, picker: PartyMedia): boolean {
    const rung = [...this.relayed.keys()].find((b) => this.relaysBetween('caller', { branch: b }));
    return rung !== undefined && this.openTarget(branch, picker, 'caller', { branch: rung });
  }

  /**
   * The call was picked up by `kept`: every other relayed branch (rung, now cancelled) leaves
   * rtpengine. An unanswered branch has no tag there yet, so it is named by its via-branch.
   */
  leaveRung(kept: string): void {
    if (this.ended) return;
    for (const branch of this.anchored) {
      if (branch === kept || !this.relayed.has(branch)) continue;
      this.deleteLeg({ callId: this.callId, fromTag: 'caller', viaBranch: branch, deleteDelay: 0 });
      this.relayed.delete(branch);
      this.anchored.delete(branch);
    }
  }

  /**
   * Where `party` is and its policy, for another call taking it over (attended transfer, park
   * retrieval, INVITE with Replaces: calls/takeover/); undefined for a branch never opened here.
   */
  partyMedia(party: Party): PartyMedia | undefined {
    if (party === 'caller') return { ...this.caller, policy: this.callerPolicy };
    const known = this.parties.get(party.branch);
    const policy = this.calleePolicies.get(party.branch);
    return known && { ...known, ...(policy ? { policy } : {}) };
  }

  /** Whether SDP between these two parties goes through rtpengine (both legs relayed). */
  relaysBetween(a: Party, b: Party): boolean {
    return (
      [a, b].every((p) => p === 'caller' || this.relayed.has(p.branch)) && (a !== 'caller' || b !== 'caller')
    );
  }

  /**
   * `party` left the call (a transfer replaced it): rtpengine drops its leg (`delete` with its tag),
   * the rest of the call goes on. Logged when rtpengine cannot be told.
   */
  leave(party: Party): void {
    if (this.ended || (party !== 'caller' && !this.relayed.has(party.branch))) return;
    if (this.relayed.size === 0 || this.left.has(tagOf(party))) return;
    this.left.add(tagOf(party));
    this.deleteLeg({ callId: this.callId, fromTag: tagOf(party), deleteDelay: 0 });
  }

  /** rtpengine drops one leg of the call (in order with the crossings); logged when it cannot. */
  private deleteLeg(leg: NgDelete): void {
    const client = this.deps.client;
    if (!client) return;
    const log = { call: this.callId, tag: leg.fromTag, branch: leg.viaBranch };
    this.serial = this.serial
      .then(() => client.delete(leg))
      .then(
        () => this.deps.logger.debug(log, 'rtpengine: leg deleted'),
        (err: unknown) => this.deps.logger.warn({ err, ...log }, 'rtpengine leg delete failed'),
      );
  }

  /**
   * The call is answered by `branch`: when `subjects` ask for it, rtpengine records it from now on
   * (and plays the announcement); a call whose media are not relayed cannot be, which is logged.
   */
  record(subjects: string[], branch: string): void {
    if (subjects.length === 0 || this.ended) return;
    const recording = this.recording;
    if (!recording || !this.relayed.has(branch)) {
      this.deps.logger.warn(
        { call: this.callId, subjects, mode: this.deps.mode },
        'call not recorded: its media do not go through rtpengine',
      );
      return;
    }
    this.serial = this.serial
      .then(() => recording.start(subjects, branch))
      .catch((err: unknown) =>
        this.deps.logger.error({ err, call: this.callId, subjects }, 'call recording not started'),
      );
  }

  /** The call is answered: a relayed call is watched in rtpengine from now on. */
  answered(): void {
    const watch = this.deps.watch;
    const client = this.deps.client;
    if (!watch || !client || this.anchored.size === 0 || this.ended || this.watchdog) return;
    this.watchdog = new MediaWatchdog(client, watch.clock, this.callId, watch.timing, (cause, err) => {
      if (err !== undefined) this.deps.health?.failed(err, this.callId);
      this.fail(cause, err);
    });
    this.watchdog.start();
  }

  /**
   * Checks and (when the branch is relayed) rewrites `body`, then calls `deliver` with the result:
   * at once for a direct branch, after rtpengine answered for a relayed one.
   */
  cross(crossing: SdpCrossing, body: SessionBody | undefined, deliver: (relay: BodyRelay) => void): void {
    const relayed = relayBody(body, this.maxMedia);
    const branch = branchOf(crossing);
    const checked =
      relayed.ok && relayed.body && isSdp(relayed.body) ? this.srtpChecked(crossing, relayed) : relayed;
    if (
      !checked.ok ||
      !checked.body ||
      !this.relaysBetween(crossing.from, crossing.to) ||
      !isSdp(checked.body)
    ) {
      deliver(checked);
      return;
    }
    const sdpBody = checked.body;
    const text = sdpBody.content.toString('utf8');
    if (crossing.kind === 'offer') this.watchdog?.setHeld(isOnHold(text));
    this.serial = this.serial
      .then(async () => {
        const sdp = await this.anchor(crossing, branch, text);
        this.anchored.add(branch);
        this.recording?.sdpFor(tagOf(crossing.to), sdp);
        deliver({
          ok: true,
          body: { contentType: sdpBody.contentType, content: Buffer.from(sdp, 'utf8') },
          mediaCount: checked.mediaCount,
        });
      })
      .catch((err: unknown) => {
        this.deps.health?.failed(err, this.callId);
        if (this.ended) return;
        if (!this.anchored.has(branch) && (this.deps.fallback ?? 'direct') === 'direct') {
          // …unless its receiver requires SRTP this plain offer cannot give it.
          const refused = this.srtpRefusalWithoutRelay(crossing, text);
          if (refused) {
            deliver(refused);
            return;
          }
          // Nobody got rtpengine's ports for this branch yet: it can still go direct.
          this.deps.logger.error(
            { err, call: this.callId, branch, kind: crossing.kind },
            'rtpengine failed: SDP relayed unchanged (direct media)',
          );
          for (const p of [crossing.from, crossing.to]) if (p !== 'caller') this.relayed.delete(p.branch);
          this.deps.metrics?.fallback('direct');
          deliver(checked);
          return;
        }
        this.fail('media relay failed', err, branch);
      });
  }

  private fail(cause: string, err: unknown, branch?: string): void {
    if (this.ended) return;
    this.deps.logger.error({ err, call: this.callId, branch, cause }, 'rtpengine: call ended');
    this.deps.metrics?.failure(cause);
    this.onEnd(cause);
  }

  /** The call is over: rtpengine frees its ports (logged if it cannot be told). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.watchdog?.stop();
    const client = this.deps.client;
    if (!client || this.relayed.size === 0) return;
    const metrics = this.deps.metrics;
    this.serial = this.serial
      // rtpengine's final counters of the call, for /metrics (an unanswered query loses only those).
      .then(() => (metrics && this.anchored.size > 0 ? this.countRelayed(client, metrics) : undefined))
      .then(() => client.delete({ callId: this.callId, deleteDelay: 0 }))
      .then(
        () => this.recording?.finished(),
        (err: unknown) => {
          // `Unknown call-id`: every offer failed, nothing to free.
          if (!(err instanceof NgError && err.code === 'rejected'))
            this.deps.logger.warn({ err, call: this.callId }, 'rtpengine delete failed');
        },
      );
  }

  private async countRelayed(client: NgClient, metrics: MediaMetrics): Promise<void> {
    try {
      metrics.callTotals((await client.query({ callId: this.callId })).totals);
    } catch (err) {
      this.deps.logger.debug({ err, call: this.callId }, 'rtpengine query at call end failed');
    }
  }

  private async anchor(crossing: SdpCrossing, branch: string, sdp: string): Promise<string> {
    const client = this.deps.client;
    if (!client) return sdp;
    const fromTag = tagOf(crossing.from);
    const sender = this.partyOf(crossing.from);
    const options: NgSdpOptions = {
      replace: ['origin', 'session-connection'],
      ice: 'remove',
      // A NATed party's SDP names its private address: use where its SIP came from instead, and
      // rtpengine's latching to the first packet's source finds the port the NAT picked.
      ...(sender?.behindNat
        ? { flags: ['SIP-source-address'], receivedFrom: receivedFrom(sender.sourceHost) }
        : {}),
      ...(this.deps.hasExternalInterface ? { direction: this.direction(crossing) } : {}),
      ...(crossing.kind === 'offer' ? this.srtpOptions(crossing.to, sdp) : {}),
      label: crossing.from === 'caller' ? 'caller' : 'callee',
    };
    const result =
      crossing.kind === 'offer'
        ? await client.offer({ callId: this.callId, fromTag, viaBranch: branch, sdp, ...options })
        : await client.answer({
            callId: this.callId,
            fromTag: tagOf(crossing.to),
            toTag: fromTag,
            viaBranch: branch,
            sdp,
            ...options,
          });
    if (result.warning)
      this.deps.logger.warn({ call: this.callId, warning: result.warning }, 'rtpengine warning');
    return restoreUnrelayedMedia(sdp, result.sdp);
  }

  /**
   * An offer is checked against its sender's SRTP policy (refused: 488 with the reason, Warning
   * 302 "Incompatible transport protocol", RFC 3261 §20.43) and remembered as SRTP or not;
   * other bodies pass. A direct (unrelayed) offer must also suit its receiver.
   */
  private srtpChecked(crossing: SdpCrossing, relayed: BodyRelay & { ok: true }): BodyRelay {
    if (crossing.kind !== 'offer' || !relayed.body) return relayed;
    const text = relayed.body.content.toString('utf8');
    const check = checkOfferFrom(this.policyOf(crossing.from).srtp, text);
    if (!check.ok) return { ok: false, reason: check.reason, warnCode: 302 };
    const sender = tagOf(crossing.from);
    if (offersSrtp(check.sdp)) this.srtpParties.add(sender);
    else this.srtpParties.delete(sender);
    const refused = this.relaysBetween(crossing.from, crossing.to)
      ? undefined
      : this.srtpRefusalWithoutRelay(crossing, check.sdp);
    if (refused) return refused;
    if (check.sdp === text) return relayed;
    return {
      ...relayed,
      body: { contentType: relayed.body.contentType, content: Buffer.from(check.sdp, 'utf8') },
    };
  }

  /** Without rtpengine a plain offer cannot become SRTP: refused towards a `required` party. */
  private srtpRefusalWithoutRelay(crossing: SdpCrossing, sdp: string): BodyRelay | undefined {
    if (crossing.kind !== 'offer' || this.policyOf(crossing.to).srtp !== 'required' || offersSrtp(sdp))
      return undefined;
    this.deps.logger.error(
      { call: this.callId, branch: branchOf(crossing) },
      'SRTP required but the media relay is not available: offer refused',
    );
    return { ok: false, reason: 'SRTP required: media relay unavailable', warnCode: 302 };
  }

  /** rtpengine's ng options for an offer towards `to`: SRTP (SDES keys, no DTLS) or plain RTP. */
  private srtpOptions(to: Party, sdp: string): Partial<NgSdpOptions> {
    const policy = this.policyOf(to).srtp;
    const srtp = policy === 'required' || (policy === 'optional' && this.srtpParties.has(tagOf(to)));
    const profile = rtpProfileTowards(sdp, srtp);
    if (!profile) return {};
    return srtp
      ? { transportProtocol: profile, sdes: SDES_LEFT_OUT.map((s) => `no-${s}`), dtls: 'off' }
      : { transportProtocol: profile };
  }

  private policyOf(p: Party): LegMediaPolicy {
    return p === 'caller' ? this.callerPolicy : (this.calleePolicies.get(p.branch) ?? DEFAULT_LEG_POLICY);
  }

  private partyOf(p: Party): PartyMedia | undefined {
    return p === 'caller' ? this.caller : this.relayed.get(p.branch);
  }

  /** NATed parties reach the `external` interface; everything else stays `internal`. */
  private direction(crossing: SdpCrossing): [string, string] {
    const side = (p: Party): string => (this.partyOf(p)?.behindNat ? 'external' : 'internal');
    return [side(crossing.from), side(crossing.to)];
  }
}

/**
 * The rtpengine branch (`via-branch`) of a crossing: the callee leg's. Between two callee legs (a
 * transferred callee and its target) one key for both directions, so an answer finds its offer.
 */
function branchOf(c: SdpCrossing): string {
  if (c.from !== 'caller' && c.to !== 'caller') return [c.from.branch, c.to.branch].sort().join('+');
  if (c.from !== 'caller') return c.from.branch;
  if (c.to !== 'caller') return c.to.branch;
  return '';
}

function tagOf(p: Party): string {
  return p === 'caller' ? 'caller' : p.branch;
}

function safeOffersSrtp(body: SessionBody): boolean {
  try {
    return offersSrtp(body.content.toString('utf8'));
  } catch {
    return false;
  }
}

function isSdp(body: SessionBody): boolean {
  return SDP_TYPE.test(body.contentType);
}

function receivedFrom(host: string): { family: 'IP4' | 'IP6'; address: string } {
  return { family: host.includes(':') ? 'IP6' : 'IP4', address: normalizeHost(host) };
}
