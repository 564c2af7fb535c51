import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { createResponse, type SipRequest, type SipResponse } from '@switchboard/sip';
import type { Clock, Endpoint, TimerHandle } from '@switchboard/transactions';
import type { Counter } from 'prom-client';
import { hasCredentials, statelessTag } from '../sip/stateless-challenger.js';
import { CONFIG, LOGGER, SIP_CLOCK } from '../tokens.js';
import { IntakeDelayProbe } from './intake-delay-probe.js';
import { OverloadDetector, type OverloadEpisode, type OverloadLoad } from './overload-detector.js';

/** How often the event-loop delay is sampled (and an episode can end without new INVITEs). */
export const LOOP_SAMPLE_MS = 500;
const LOOP_RESOLUTION_MS = 10;

/** Where the load comes from: call control registers its counters at module init. */
export type OverloadSources = { readonly [K in keyof OverloadLoad]: () => number };

/**
 * Overload control of the signalling role, in the request intake next to the flood guard: a new
 * INVITE (no To tag) is asked `refuseNewCall` before any authentication work (no digest row read,
 * no Redis) and, while the process is over a bound, answered `503 Service Unavailable` with
 * `Retry-After` statelessly (RFC 3261 §21.5.4, §20.33), or — while the intake-delay probe sees a
 * standing receive queue — when the throttle's share of admissions leaves it out. Everything else —
 * in-dialog requests, ACK, BYE, CANCEL — never comes here, so calls in progress are never refused.
 * One warn line at the start and one at the end of an episode; counters and gauges on /metrics.
 */
@Injectable()
export class OverloadControlService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly detector: OverloadDetector;
  private sources: OverloadSources = { routingBacklog: () => 0, calls: () => 0 };
  private loopDelay: IntervalHistogram | undefined;
  private sampler: TimerHandle | undefined;
  private stopped = false;
  private readonly probe: IntakeDelayProbe | undefined;
  /** The probe's socket and the SIP UDP listener it sends to (set once `probeIntake` has bound it). */
  private probeLink: { readonly socket: dgram.Socket; readonly target: Endpoint } | undefined;
  private readonly refused: Counter;
  private readonly episodes: Counter;
  private episodeCount = 0;
  private refusedCount = 0;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SIP_CLOCK) private readonly clock: Clock,
    @Inject(METRICS) metrics: ProcessMetrics,
  ) {
    this.detector = new OverloadDetector(config.overload, {
      now: () => clock.now(),
      load: (): OverloadLoad => ({
        routingBacklog: this.sources.routingBacklog(),
        calls: this.sources.calls(),
      }),
      onStart: (episode) => this.started(episode),
      onEnd: (episode, endedAt) => this.ended(episode, endedAt),
    });
    this.refused = metrics.counter({
      name: 'switchboard_sip_overload_refused_total',
      help: 'New INVITEs answered 503 + Retry-After by overload control (before authentication)',
    });
    this.episodes = metrics.counter({
      name: 'switchboard_sip_overload_episodes_total',
      help: 'Overload episodes started (a bound reached: routing backlog, event-loop lag or calls)',
    });
    this.probe =
      config.overload.maxIntakeDelayMs > 0
        ? new IntakeDelayProbe({
            clock,
            send: (payload) => this.sendProbe(payload),
            onDelay: (ms) => this.detector.recordIntakeDelay(ms),
          })
        : undefined;
    const detector = this.detector;
    const probe = this.probe;
    metrics.gauge({
      name: 'switchboard_sip_overloaded',
      help: '1 while overload control refuses new calls, else 0',
      collect() {
        this.set(detector.overloaded ? 1 : 0);
      },
    });
    metrics.gauge({
      name: 'switchboard_sip_intake_delay_seconds',
      help: 'How long datagrams wait in the SIP UDP receive queue (the intake-delay probe; 0 when not watched)',
      collect() {
        this.set((probe?.delayMs ?? 0) / 1000);
      },
    });
    metrics.gauge({
      name: 'switchboard_sip_admitted_share',
      help: 'Share of new INVITEs the intake-delay throttle admits (1 = all)',
      collect() {
        this.set(detector.admittedShare);
      },
    });
  }

  /** Call control's load counters (calls held, routing requests waiting). */
  watch(sources: OverloadSources): void {
    this.sources = sources;
  }

  onApplicationBootstrap(): void {
    if (this.config.overload.maxLoopLagMs > 0) {
      this.loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      this.loopDelay.enable();
    }
    this.sample();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.sampler?.cancel();
    this.loopDelay?.disable();
    this.probe?.stop();
    this.probeLink?.socket.close();
    this.probeLink = undefined;
  }

  /** For the SIP UDP listener's intake: true when the datagram is an intake-delay probe (consumed). */
  takeProbe(data: Buffer, source: Endpoint): boolean {
    return this.probe?.take(data, source) ?? false;
  }

  /**
   * Starts measuring how long datagrams wait in the SIP UDP listener's receive queue: a probe socket
   * on the listener's own address (loopback for a wildcard bind) sends it a datagram every 50 ms.
   * Without a bound (`SWITCHBOARD_OVERLOAD_MAX_INTAKE_DELAY_MS=0`) nothing is started.
   */
  async probeIntake(listener: Endpoint): Promise<void> {
    const probe = this.probe;
    if (!probe || this.stopped) return;
    const v6 = isIPv6(listener.host);
    const wildcard = listener.host === '0.0.0.0' || listener.host === '::';
    const host = wildcard ? (v6 ? '::1' : '127.0.0.1') : listener.host;
    const socket = dgram.createSocket(v6 ? 'udp6' : 'udp4');
    // A send error (the listener closing at shutdown) only costs a sample; never crash on it.
    socket.on('error', (err) => this.logger.warn({ err }, 'intake-delay probe socket error'));
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    this.probeLink = { socket, target: { host, port: listener.port } };
    probe.start({ host, port: socket.address().port });
  }

  private sendProbe(payload: Buffer): void {
    const link = this.probeLink;
    if (!link) return;
    link.socket.send(payload, link.target.port, link.target.host, (err) => {
      if (err && !this.stopped) this.logger.warn({ err }, 'intake-delay probe not sent');
    });
  }

  /** Figures for tests and the SIGUSR2 summary. */
  get state(): {
    overloaded: boolean;
    episodes: number;
    refused: number;
    loopLagMs: number;
    intakeDelayMs: number;
  } {
    return {
      overloaded: this.detector.overloaded,
      episodes: this.episodeCount,
      refused: this.refusedCount,
      loopLagMs: this.detector.loopLag,
      intakeDelayMs: this.probe?.delayMs ?? 0,
    };
  }

  /**
   * For a new INVITE (out of dialog): the stateless 503 to send when the process is overloaded,
   * undefined when the call may go on. Retransmissions get the same To tag (§8.2.7).
   */
  refuseNewCall(request: SipRequest): SipResponse | undefined {
    // An INVITE with credentials answers our 407: the throttle admitted its first INVITE, so only the
    // hard bounds may refuse it — refusing it would waste the challenge already given. Looked at only
    // while the throttle is cutting (the share moves only in its steps, not in admitNewCall).
    const answersChallenge = this.detector.admittedShare < 1 && hasCredentials(request, 'proxy');
    if (this.detector.admitNewCall(answersChallenge)) return undefined;
    this.refused.inc();
    this.refusedCount += 1;
    return createResponse(request, 503, {
      reason: 'Service Unavailable',
      toTag: statelessTag(request),
      headers: [['Retry-After', String(this.config.overload.retryAfterSeconds)]],
    });
  }

  /**
   * Re-armed until shutdown: the mean event-loop delay of the last interval feeds the detector. The
   * mean, not a high percentile: a loop that lags on every turn yields few samples, all long, while
   * one GC pause among many short turns is no overload.
   */
  private sample(): void {
    this.sampler = this.clock.schedule(LOOP_SAMPLE_MS, () => {
      const delay = this.loopDelay;
      // The histogram's values include its own resolution (10 ms): only the excess is lag.
      const lagMs = delay && delay.count > 0 ? Math.max(0, delay.mean / 1e6 - LOOP_RESOLUTION_MS) : 0;
      delay?.reset();
      this.detector.recordLoopLag(lagMs);
      if (!this.stopped) this.sample();
    });
  }

  private started(episode: OverloadEpisode): void {
    this.episodeCount += 1;
    this.episodes.inc();
    const { maxRoutingBacklog, maxLoopLagMs, maxIntakeDelayMs, maxCalls, retryAfterSeconds } =
      this.config.overload;
    this.logger.warn(
      {
        event: 'sip-overload-start',
        reasons: episode.reasons,
        ...episode.load,
        limits: { maxRoutingBacklog, maxLoopLagMs, maxIntakeDelayMs, maxCalls },
        retryAfterSeconds,
      },
      `SIP overload: refusing new calls with 503 (${episode.reasons.join(', ')} at bound: ` +
        `routing backlog ${episode.load.routingBacklog}, event-loop lag ${Math.round(episode.load.loopLagMs)} ms, ` +
        `intake delay ${Math.round(episode.load.intakeDelayMs)} ms, ` +
        `calls ${episode.load.calls})`,
    );
  }

  private ended(episode: OverloadEpisode, endedAt: number): void {
    const durationMs = Math.round(endedAt - episode.startedAt);
    this.logger.warn(
      { event: 'sip-overload-end', reasons: episode.reasons, refused: episode.refused, durationMs },
      `SIP overload over after ${durationMs} ms: ${episode.refused} new calls refused with 503`,
    );
  }
}
