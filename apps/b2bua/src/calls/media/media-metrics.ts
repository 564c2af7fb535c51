import type { ProcessMetrics } from '@switchboard/metrics';
import type { NgCounters } from '@switchboard/rtpengine';
import type { Counter, Histogram } from 'prom-client';

/**
 * Media anchoring seen from Prometheus (signalling role): calls relayed through rtpengine, its ng
 * commands (by command and result, with their latency), fallbacks while it does not answer, calls
 * its failures ended, and the RTP/RTCP it relayed (rtpengine's final counters of each call).
 */
export class MediaMetrics {
  private readonly relayed: Counter;
  private readonly commands: Counter<'command' | 'result'>;
  private readonly latency: Histogram<'command'>;
  private readonly fallbacks: Counter<'fallback'>;
  private readonly failures: Counter<'cause'>;
  private readonly packets: Counter<'protocol'>;
  private readonly bytes: Counter<'protocol'>;

  constructor(metrics: ProcessMetrics, relayUp: () => boolean | undefined) {
    this.relayed = metrics.counter({
      name: 'switchboard_media_relayed_calls_total',
      help: 'Calls with at least one branch relayed through rtpengine',
    });
    this.commands = metrics.counter({
      name: 'switchboard_media_ng_requests_total',
      help: 'rtpengine ng commands by command and result (ok, or the failure: timeout, transport, rejected, protocol, closed)',
      labelNames: ['command', 'result'],
    });
    this.latency = metrics.histogram({
      name: 'switchboard_media_ng_request_seconds',
      help: 'rtpengine ng command round trip (retransmissions included), answered or not',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.fallbacks = metrics.counter({
      name: 'switchboard_media_fallbacks_total',
      help: 'Media that could not be relayed: a branch sent direct, or a new call refused with 503 (SWITCHBOARD_MEDIA_FALLBACK)',
      labelNames: ['fallback'],
    });
    this.failures = metrics.counter({
      name: 'switchboard_media_failures_total',
      help: 'Calls ended by their media: no RTP for SWITCHBOARD_MEDIA_TIMEOUT_SECONDS, or rtpengine failing a relayed call',
      labelNames: ['cause'],
    });
    this.packets = metrics.counter({
      name: 'switchboard_media_relayed_packets_total',
      help: 'Packets rtpengine relayed for calls that ended (its final counters per call)',
      labelNames: ['protocol'],
    });
    this.bytes = metrics.counter({
      name: 'switchboard_media_relayed_bytes_total',
      help: 'Bytes rtpengine relayed for calls that ended (its final counters per call)',
      labelNames: ['protocol'],
    });
    metrics.gauge({
      name: 'switchboard_media_relay_up',
      help: 'Whether rtpengine answers its ng commands (1) or not (0); absent without rtpengine',
      collect() {
        const up = relayUp();
        if (up !== undefined) this.set(up ? 1 : 0);
      },
    });
  }

  relayedCall(): void {
    this.relayed.inc();
  }

  /** One ng command settled; `result` is `ok` or the NgError code. */
  ngCommand(command: string, result: string, ms: number): void {
    this.commands.inc({ command, result });
    this.latency.observe({ command }, ms / 1000);
  }

  fallback(kind: 'direct' | '503'): void {
    this.fallbacks.inc({ fallback: kind });
  }

  failure(cause: string): void {
    this.failures.inc({ cause });
  }

  /** rtpengine's totals of a call it has just deleted. */
  callTotals(totals: { readonly rtp: NgCounters; readonly rtcp: NgCounters }): void {
    for (const protocol of ['rtp', 'rtcp'] as const) {
      this.packets.inc({ protocol }, totals[protocol].packets);
      this.bytes.inc({ protocol }, totals[protocol].bytes);
    }
  }
}
