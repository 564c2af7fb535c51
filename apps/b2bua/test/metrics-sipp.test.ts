import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@switchboard/config';
import { METRICS, startOpsServer, type ProcessMetrics } from '@switchboard/metrics';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Histogram } from 'prom-client';
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
  return (await callWithCallee(uac, uas, password)).caller;
}

/** One call from sipp 100 to sipp 201; both sides' results (sipp's message logs included). */
async function callWithCallee(uac: string, uas: string | undefined, password = 'pw-100') {
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
  const calleeResult = await callee?.done;
  await h.unbindAll('201');
  return { caller: result, callee: calleeResult };
}

/** sipp's message log: how many received messages start with `startLine` and carry `header`. */
function receivedCount(messages: string, startLine: string, header: string): number {
  return messages
    .split(/^-{20,} .*$/m)
    .filter((entry) => /^\s*UDP message received/.test(entry))
    .map((entry) => entry.replace(/^\s*UDP message received.*\n/, '').trimStart())
    .filter((m) => m.startsWith(startLine) && m.includes(`\n${header}`)).length;
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
    expect(value(w, 'switchboard_queue_job_wait_seconds', { queue: 'call-records' })).toBe(3);
    // Each routed call: the fixture plugin passed, then the extensions plugin planned.
    expect(value(w, 'switchboard_plugin_run_seconds', { plugin: 'calls-fixture', outcome: 'pass' })).toBe(3);
    expect(value(w, 'switchboard_plugin_run_seconds', { plugin: 'extensions', outcome: 'plan' })).toBe(3);
    expect(value(w, 'switchboard_routing_chain_seconds', { plugin: 'extensions', outcome: 'plan' })).toBe(3);
    expect(value(w, 'switchboard_queue_jobs', { queue: 'routing', state: 'waiting' })).toBe(0);
    expect(value(w, 'switchboard_queue_jobs', { queue: 'call-records', state: 'failed' })).toBe(0);
    expect(value(w, 'switchboard_queue_oldest_waiting_seconds', { queue: 'routing' })).toBe(0);
  });

  it('counts the retransmissions of a silent callee and a late ACK as the sipp peers saw them', async () => {
    // The first test's REGISTER left a binding of 201 at a sipp that is gone: a fork to it would
    // retransmit too (and wait in Calling for Timer B).
    await h.unbindAll('201');
    const signalling = h.app.get<ProcessMetrics>(METRICS);
    const before = await scrape(signalling);
    const { caller, callee } = await callWithCallee('call-uac-ack-late.xml', 'call-uas-answer-late.xml');
    expect(caller.code, caller.output).toBe(0);
    expect(callee?.code, callee?.output).toBe(0);
    const after = await scrape(signalling);
    const delta = (labels: Record<string, string>) =>
      value(after, 'switchboard_sip_retransmissions_total', labels) -
      value(before, 'switchboard_sip_retransmissions_total', labels);

    // The callee stayed silent for 800 ms: it got the INVITE again (Timer A, T1 = 500 ms).
    const invites = receivedCount(callee?.messages ?? '', 'INVITE ', 'CSeq: 1 INVITE');
    expect(invites).toBeGreaterThanOrEqual(2);
    expect(delta({ direction: 'sent', message: 'request', method: 'INVITE' })).toBe(invites - 1);
    // The caller held its ACK for 800 ms: it got the 200 again (§13.3.1.4).
    const oks = receivedCount(caller.messages, 'SIP/2.0 200 ', 'CSeq: 2 INVITE');
    expect(oks).toBeGreaterThanOrEqual(2);
    expect(delta({ direction: 'sent', message: 'response', method: 'INVITE' })).toBe(oks - 1);

    // After the calls no transaction is mid-flight; the ones left only wait out their timers
    // (J, K, D, I, L, M; their return to zero is tested on a FakeClock in @switchboard/transactions).
    const tx = after.find((f) => f.name === 'switchboard_sip_transactions')?.metrics ?? [];
    expect(tx.length).toBe(14);
    const midFlight = tx.filter((m) => ['calling', 'trying', 'proceeding'].includes(m.labels?.state ?? ''));
    expect(midFlight.map((m) => Number(m.value))).toEqual(midFlight.map(() => 0));
  });

  it('the Grafana dashboard (docker/) queries only series and labels the processes export', async () => {
    const dashboard = path.resolve(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../../docker/grafana/dashboards/switchboard.json',
    );
    const { panels } = JSON.parse(fs.readFileSync(dashboard, 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(20);
    // Every series name each role exports, with its labels (Prometheus adds job and instance).
    const exported = new Map<string, Set<string>>();
    for (const metrics of [h.app.get<ProcessMetrics>(METRICS), h.worker.get<ProcessMetrics>(METRICS)])
      for (const metric of await metrics.registry.getMetricsAsJSON()) {
        const labels = new Set(['role', 'job', 'instance']);
        for (const value of metric.values) for (const k of Object.keys(value.labels)) labels.add(k);
        // Labels declared but not seen yet (no sample so far) are exported as soon as one comes.
        const declared = metrics.registry.getSingleMetric(metric.name);
        for (const l of (declared as { labelNames?: string[] } | undefined)?.labelNames ?? []) labels.add(l);
        const names =
          declared instanceof Histogram
            ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix)
            : [metric.name];
        for (const name of names)
          exported.set(name, new Set([...labels, ...(name.endsWith('_bucket') ? ['le'] : [])]));
      }
    const unknown: string[] = [];
    for (const { panel, expr } of exprs) {
      const used = [...expr.matchAll(/\b(switchboard_[a-z0-9_]+)(?:\{([^}]*)\})?/g)];
      expect(used.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      const labelsOfExpr = new Set<string>();
      for (const [, name, matchers] of used) {
        const labels = exported.get(name!);
        if (!labels) {
          unknown.push(`${panel}: metric ${name}`);
          continue;
        }
        for (const l of labels) labelsOfExpr.add(l);
        for (const [, label] of (matchers ?? '').matchAll(/([a-z_]+)\s*(?:=|!=|=~|!~)/g))
          if (!labels.has(label!)) unknown.push(`${panel}: label ${label} of ${name}`);
      }
      for (const [, list] of expr.matchAll(/\bby \(([^)]*)\)/g))
        for (const label of list!.split(',').map((l) => l.trim()))
          if (!labelsOfExpr.has(label)) unknown.push(`${panel}: by ${label}`);
    }
    expect(unknown).toEqual([]);
  });
});
