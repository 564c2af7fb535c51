import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createLogger } from '@switchboard/config';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessMetrics, startOpsServer, startRoleOpsServer, type RunningOpsServer } from '../src/index.js';

const logger = createLogger('ops-test', { logLevel: 'silent' });
const servers: RunningOpsServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(metrics: ProcessMetrics, ready = true): Promise<string> {
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    metrics,
    logger,
    readiness: [
      { name: 'redis', check: () => Promise.resolve(true) },
      {
        name: 'postgres',
        check: () => (ready ? Promise.resolve(true) : Promise.reject(new Error('ECONNREFUSED'))),
      },
    ],
  });
  servers.push(server);
  return server.url;
}

describe('ProcessMetrics', () => {
  it('returns the same metric when asked twice and refuses a name outside the namespace', () => {
    const m = new ProcessMetrics('signalling');
    const a = m.counter({ name: 'switchboard_test_total', help: 'h', labelNames: ['cause'] });
    expect(m.counter({ name: 'switchboard_test_total', help: 'h', labelNames: ['cause'] })).toBe(a);
    expect(() => m.gauge({ name: 'switchboard_test_total', help: 'h' })).toThrow(/another type/);
    expect(() => m.counter({ name: 'calls_total', help: 'h' })).toThrow(/switchboard_/);
  });

  it('keeps two processes in one Node.js process apart', async () => {
    const a = new ProcessMetrics('signalling');
    const b = new ProcessMetrics('worker');
    a.counter({ name: 'switchboard_only_a_total', help: 'h' }).inc();
    expect((await b.exposition()).body).not.toContain('switchboard_only_a_total');
  });
});

describe('operations server', () => {
  it('serves /metrics in the Prometheus text format with the role label and the default collectors', async () => {
    const metrics = new ProcessMetrics('worker');
    metrics
      .counter({ name: 'switchboard_things_total', help: 'things done', labelNames: ['kind'] })
      .inc({ kind: 'x' }, 3);
    metrics.histogram({ name: 'switchboard_wait_seconds', help: 'waits', buckets: [0.1, 1] }).observe(0.5);
    const res = await fetch(`${await serve(metrics)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const families = parsePrometheusTextFormat(await res.text());
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('switchboard_things_total')?.metrics).toEqual([
      { value: '3', labels: { kind: 'x', role: 'worker' } },
    ]);
    const wait = byName.get('switchboard_wait_seconds');
    expect(wait?.type).toBe('HISTOGRAM');
    // (parse-prometheus-text-format drops _count/_sum of labelled histograms; +Inf is the count.)
    expect(wait?.metrics[0]?.buckets).toEqual({ '0.1': '0', '1': '1', '+Inf': '1' });
    // Event-loop lag comes from prom-client's default collectors, under our namespace.
    expect(byName.get('switchboard_nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
  });

  it('answers /healthz 200 and /readyz 200 or 503 naming the failed dependency', async () => {
    const up = await serve(new ProcessMetrics('signalling'));
    expect(await (await fetch(`${up}/healthz`)).json()).toEqual({ status: 'ok', role: 'signalling' });
    const ready = await fetch(`${up}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      role: 'signalling',
      ready: true,
      checks: { redis: { ok: true }, postgres: { ok: true } },
    });
    const down = await fetch(`${await serve(new ProcessMetrics('signalling'), false)}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      ready: false,
      checks: { postgres: { ok: false, error: 'ECONNREFUSED' } },
    });
  });

  it('answers unknown paths 404 JSON and other methods 405', async () => {
    const url = await serve(new ProcessMetrics('admin'));
    const nope = await fetch(`${url}/nope`);
    expect(nope.status).toBe(404);
    expect(nope.headers.get('content-type')).toContain('application/json');
    expect(await nope.json()).toEqual({ statusCode: 404, message: 'no route /nope' });
    const post = await fetch(`${url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('startRoleOpsServer: port 0 in the config means off, and a taken port is logged, not thrown', async () => {
    const metrics = new ProcessMetrics('worker');
    const off = { metrics: { host: '127.0.0.1', ports: { signalling: 0, worker: 0, admin: 0 } } };
    expect(await startRoleOpsServer(off, { metrics, readiness: [], logger })).toBeUndefined();
    const taken = Number(new URL(await serve(metrics)).port);
    const clash = { metrics: { host: '127.0.0.1', ports: { signalling: 0, worker: taken, admin: 0 } } };
    expect(await startRoleOpsServer(clash, { metrics, readiness: [], logger })).toBeUndefined();
  });
});
