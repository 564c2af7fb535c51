import type { Logger } from '@switchboard/config';
import { NgError, type NgClient, type NgSdpOptions } from '@switchboard/rtpengine';
import type { Clock } from '@switchboard/transactions';
import { relayBody, type BodyRelay } from '../bridge/session-body-relay.js';
import type { SessionBody } from '../legs/caller-leg.js';
import { CallRecording, type RecordingDeps } from './call-recording.js';
import { isOnHold } from './hold-detection.js';
import type { MediaMetrics } from './media-metrics.js';
import { MediaWatchdog, type WatchdogTiming } from './media-watchdog.js';
import type { RelayHealth } from './relay-health.js';
import { restoreUnrelayedMedia } from './relayed-media-lines.js';

export type MediaMode = 'relay' | 'direct' | 'auto';

/** What a call needs from the process-wide media relay settings. */
export interface MediaAnchorDeps {
  readonly mode: MediaMode;
  /** Absent: no rtpengine configured, every call is `direct`. */
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
 */
export class CallMedia {
  /** Relayed branches (by leg Call-ID) and where each callee is. */
  private readonly relayed = new Map<string, PartyMedia>();
  /** Relayed branches rtpengine has ports for (one crossing succeeded). */
  private readonly anchored = new Set<string>();
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
  }

  /**
   * A new call while rtpengine does not answer and the fallback is `503`: true when it would be
   * relayed (mode `relay`, or `auto` with the caller behind NAT) and must be refused.
   */
  refusesNewCall(): boolean {
    const { mode, client, health, fallback } = this.deps;
    const wantsRelay = mode === 'relay' || (mode === 'auto' && this.caller.behindNat);
    const refuses = client !== undefined && fallback === '503' && health?.up === false && wantsRelay;
    if (refuses) this.deps.metrics?.fallback('503');
    return refuses;
  }

  /**
   * Decides, at its first offer, whether a branch's media go through rtpengine. `mayRecord`: the
   * call is recorded if this branch answers, so `auto` relays it too (recording is rtpengine's).
   */
  openBranch(branch: string, callee: PartyMedia, mayRecord = false): boolean {
    const { mode, client, health } = this.deps;
    const relay =
      client !== undefined &&
      (mode === 'relay' ||
        (mode === 'auto' && (this.caller.behindNat || callee.behindNat || (mayRecord && !!this.recording))));
    if (relay && health?.up === false) {
      this.deps.logger.warn({ call: this.callId, branch }, 'rtpengine does not answer: branch media direct');
      this.deps.metrics?.fallback('direct');
      return false;
    }
    if (relay && this.relayed.size === 0) this.deps.metrics?.relayedCall();
    if (relay) this.relayed.set(branch, callee);
    return relay;
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
    const checked = relayBody(body, this.maxMedia);
    const branch = branchOf(crossing);
    if (!checked.ok || !checked.body || !this.relayed.has(branch) || !isSdp(checked.body)) {
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
          // Nobody got rtpengine's ports for this branch yet: it can still go direct.
          this.deps.logger.error(
            { err, call: this.callId, branch, kind: crossing.kind },
            'rtpengine failed: SDP relayed unchanged (direct media)',
          );
          this.relayed.delete(branch);
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

  private partyOf(p: Party): PartyMedia | undefined {
    return p === 'caller' ? this.caller : this.relayed.get(p.branch);
  }

  /** NATed parties reach the `external` interface; everything else stays `internal`. */
  private direction(crossing: SdpCrossing): [string, string] {
    const side = (p: Party): string => (this.partyOf(p)?.behindNat ? 'external' : 'internal');
    return [side(crossing.from), side(crossing.to)];
  }
}

function branchOf(c: SdpCrossing): string {
  if (c.from !== 'caller') return c.from.branch;
  if (c.to !== 'caller') return c.to.branch;
  return '';
}

function tagOf(p: Party): string {
  return p === 'caller' ? 'caller' : p.branch;
}

function isSdp(body: SessionBody): boolean {
  return /^application\/sdp\b/i.test(body.contentType);
}

function receivedFrom(host: string): { family: 'IP4' | 'IP6'; address: string } {
  return { family: host.includes(':') ? 'IP6' : 'IP4', address: host.replace(/^\[|\]$/g, '') };
}
