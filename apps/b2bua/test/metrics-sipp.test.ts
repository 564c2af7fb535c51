import { createLogger } from '@switchboard/config';
import { METRICS, startOpsServer, type ProcessMetrics } from '@switchboard/metrics';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type CallsHarness,
  killAllSipp,
  startCalls,
  startSipp,
  seedExtensions,
} from './support/calls-harness.js';

/**
 * Call metrics (issue #22): a scripted sipp call mix through the real signalling role and routing
 * worker — answered, busy, cancelled while ringing, a wrong password — then each role's /metrics,
 * scraped over HTTP and parsed with a Prometheus text parser, must count exactly those calls.
 */
let h: CallsHarness;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  h = await startCalls({}, seedExtensions(['100', '201']));
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

async function call(uac: string, uas: string | undefined, password = 'pw-100') {
  const callee = uas ? await startSipp(uas, []) : undefined;
  if (callee) await h.bind('201', callee.port);
  const caller = await startSipp(
    uac,
    ['-s', '201', '-au', '100', '-ap', password, '-key', 'domain', h.domain, '-key', 'caller', '100'],
    { host: '127.0.0.1', port: h.port },
    `sip:201@${h.domain}`,
  );
  const result = await caller.done;
  if (result.code !== 0) callee?.kill();
  await callee?.done;
  await h.unbindAll('201');
  return result;
}

/** The parsed families, and the text (the parser drops the labels of labelled histograms). */
type Families = ReturnType<typeof parsePrometheusTextFormat> & { text?: string };

async function scrape(metrics: ProcessMetrics): Promise<Families> {
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    metrics,
    readiness: [],
    logger: createLogger('metrics-test', h.config),
  });
  try {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    return Object.assign(parsePrometheusTextFormat(text), { text });
  } finally {
    await server.close();
  }
}

function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric ${name}`);
  if (family.type === 'HISTOGRAM') {
    // A histogram's count: its `_count` line with these labels, read from the text.
    const line = (families.text ?? '')
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`${name}_count`) &&
          Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
      );
    return line ? Number(line.split(' ').at(-1)) : 0;
  }
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!sample) return 0;
  return Number(sample.value);
}

describe('call metrics after a sipp call mix', () => {
  it('counts started, answered and ended calls by disposition and status; latencies; registrations; queues', async () => {
    expect((await call('call-uac-basic.xml', 'call-uas-answer.xml')).code).toBe(0);
    expect((await call('call-uac-busy.xml', 'call-uas-busy.xml')).code).toBe(0);
    expect((await call('call-uac-cancel-ringing.xml', 'call-uas-ring.xml')).code).toBe(0);
    // A wrong password: the call never reaches call control.
    expect((await call('call-uac-basic.xml', undefined, 'wrong')).code).not.toBe(0);
    const register = await startSipp(
      'register-auth.xml',
      ['-s', '201', '-au', '201', '-ap', 'pw-201', '-key', 'domain', h.domain, '-key', 'expires', '300'],
      { host: '127.0.0.1', port: h.port },
    );
    expect((await register.done).code).toBe(0);
    // Records are published when each call ends; all three are in before the counters are read.
    await vi.waitFor(async () => expect(await h.prisma.callRecord.count()).toBe(3), { timeout: 10_000 });

    const s = await scrape(h.app.get<ProcessMetrics>(METRICS));
    expect(value(s, 'switchboard_calls_started_total', { role: 'signalling' })).toBe(3);
    expect(value(s, 'switchboard_calls_answered_total')).toBe(1);
    expect(value(s, 'switchboard_calls_ended_total', { disposition: 'answered', status: 'none' })).toBe(1);
    expect(value(s, 'switchboard_calls_ended_total', { disposition: 'busy', status: '486' })).toBe(1);
    // A CANCEL ends the call without a status of ours to count (the 487 answers the CANCELled INVITE).
    expect(value(s, 'switchboard_calls_ended_total', { disposition: 'cancelled', status: 'none' })).toBe(1);
    const ended = s.find((f) => f.name === 'switchboard_calls_ended_total')?.metrics ?? [];
    expect(ended.reduce((n, m) => n + Number(m.value), 0)).toBe(3);
    expect(value(s, 'switchboard_calls_active')).toBe(0);
    // Each call was routed once and sent on to the callee once.
    expect(value(s, 'switchboard_routing_seconds')).toBe(3);
    expect(value(s, 'switchboard_call_setup_seconds')).toBe(3);
    expect(value(s, 'switchboard_call_answer_relay_seconds')).toBe(1);
    expect(value(s, 'switchboard_register_requests_total', { status: '200' })).toBe(1);
    // sb:regs is shared by every test on this Redis: at least the one registered here.
    expect(value(s, 'switchboard_registered_aors')).toBeGreaterThanOrEqual(1);
    expect(s.find((f) => f.name === 'switchboard_sip_transactions')?.type).toBe('GAUGE');
    expect(s.find((f) => f.name === 'switchboard_nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');

    const w = await scrape(h.worker.get<ProcessMetrics>(METRICS));
    expect(value(w, 'switchboard_queue_job_wait_seconds', { queue: 'routing' })).toBe(3);
    expect(value(w, 'switchboard_plugin_run_seconds', { plugin: 'extensions', outcome: 'plan' })).toBe(3);
    expect(value(w, 'switchboard_queue_jobs', { queue: 'routing', state: 'waiting' })).toBe(0);
    expect(value(w, 'switchboard_queue_jobs', { queue: 'call-records', state: 'failed' })).toBe(0);
    expect(value(w, 'switchboard_queue_oldest_waiting_seconds', { queue: 'routing' })).toBe(0);
  });
});
