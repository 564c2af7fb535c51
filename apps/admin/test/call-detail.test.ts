import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callTraceSchema, sipLabel, summarizeSip, type CallTrace } from '@switchboard/sip-trace';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../src/audit/audit-log.service.js';
import { AdminUsersService } from '../src/auth/admin-users.service.js';
import { runCli } from '../src/cli/switchboard-cli.js';
import type { Prisma } from '../src/common/db.js';
import { launchChromium, screenshotDir, webDistDir } from './support/browser.js';
import { HttpSession } from './support/http-session.js';
import {
  createTestServers,
  startTestApp,
  type RunningTestApp,
  type TestServers,
} from './support/test-environment.js';

/**
 * The call-detail page, its API and `switchboard trace` (issue #22). The fixture is a real capture:
 * `apps/b2bua/test/call-trace-sipp.test.ts` run with SWITCHBOARD_TRACE_FIXTURE_OUT (a call forked to
 * two sipp phones, one answering, the other CANCELled), stored as the B2BUA stores it.
 */
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/forked-call-trace.json', import.meta.url), 'utf8'),
) as { record: Record<string, unknown> & { id: string; legs: unknown }; trace: unknown };
const trace: CallTrace = callTraceSchema.parse(fixture.trace);
const callId = fixture.record.id;
const hostileId = 'hostile-call';
const password = 'call detail test password';

let servers: TestServers;
let server: RunningTestApp;
let http: HttpSession;
let browser: Browser | undefined;
let page: Page;

/** What each message is, read from its text (independent of the ladder code under test). */
const labels = trace.entries.map((e) => sipLabel(summarizeSip(e.msg)!));

beforeAll(async () => {
  servers = await createTestServers(9);
  server = await startTestApp(servers, { webDistDir });
  await new AdminUsersService(servers.prisma, new AuditLogService(servers.prisma)).create(
    { id: null, name: 'test' },
    'ops',
    password,
  );
  // Stored as the routing worker wrote it (ISO times are accepted for DateTime columns).
  const { createdAt: _created, ...record } = fixture.record;
  await servers.prisma.callRecord.create({ data: record as unknown as Prisma.CallRecordCreateInput });
  await servers.prisma.callTrace.create({
    data: {
      callId,
      sipCallIds: trace.sipCallIds,
      entries: trace.entries,
      dropped: 0,
      sizeBytes: trace.entries.reduce((n, e) => n + e.msg.length, 0),
    },
  });
  // A peer's reason phrase and header with markup: shown as text, never run.
  const evil =
    'SIP/2.0 486 <img src=x onerror="window.__xss=1">\r\nCall-ID: evil@x\r\nCSeq: 1 INVITE\r\n\r\n';
  await servers.prisma.callRecord.create({
    data: {
      id: hostileId,
      callerNumber: '100',
      calleeNumber: '<b>200</b>',
      startedAt: new Date(),
      endedAt: new Date(),
      disposition: 'busy',
      legs: [],
    },
  });
  await servers.prisma.callTrace.create({
    data: {
      callId: hostileId,
      sipCallIds: ['evil@x'],
      entries: [
        { ...trace.entries[0]!, msg: trace.entries[0]!.msg.replace(/Call-ID: .*/, 'Call-ID: evil@x') },
        { ...trace.entries[1]!, dir: 'out', msg: evil },
      ],
      sizeBytes: 100,
    },
  });
  http = new HttpSession(server.baseUrl);
  expect(await http.login('ops', password)).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await servers?.dispose();
});

describe('call detail API', () => {
  it('GET /api/calls/:id: record, legs with SIP Call-IDs, plugin, trace summary', async () => {
    const res = await http.get(`/api/calls/${callId}`);
    expect(res.status).toBe(200);
    const body = res.body as {
      sipCallId: string;
      pluginId: string;
      legs: { sipCallId: string; status: number }[];
      trace: { messages: number; sipCallIds: string[] };
    };
    expect(body.sipCallId).toBe(trace.sipCallIds[0]);
    expect(body.pluginId).toBe('extensions');
    expect(body.legs.map((l) => l.sipCallId).sort()).toEqual(trace.sipCallIds.slice(1).sort());
    expect(body.legs.map((l) => l.status).sort()).toEqual([200, 487]);
    expect(body.trace).toEqual({ sipCallIds: trace.sipCallIds, messages: trace.entries.length, dropped: 0 });
  });

  it('GET …/trace: one arrow per message, caller | PBX | two callees, arrows point at the PBX for inbound', async () => {
    const res = await http.get(`/api/calls/${callId}/trace`);
    const ladder = res.body as {
      columns: { role: string }[];
      arrows: { label: string; from: number; to: number }[];
      messages: { text: string }[];
    };
    expect(ladder.columns.map((c) => c.role)).toEqual(['caller', 'pbx', 'callee', 'callee']);
    expect(ladder.arrows.map((a) => a.label)).toEqual(labels);
    trace.entries.forEach((e, i) => {
      const a = ladder.arrows[i]!;
      expect(e.dir === 'in' ? a.to : a.from).toBe(1);
    });
    expect(ladder.messages.map((m) => m.text)).toEqual(trace.entries.map((e) => e.msg));
  });

  it('downloads the trace as text and as a pcap that tshark reads back with the same messages', async () => {
    const text = await http.get(`/api/calls/${callId}/trace.txt`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.headers.get('content-disposition')).toContain(`call-${callId}.txt`);
    for (const id of trace.sipCallIds) expect(text.text).toContain(id);

    const res = await fetch(`${server.baseUrl}/api/calls/${callId}/trace.pcap`, {
      headers: { cookie: await sessionCookie() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-pcap-'));
    try {
      const file = path.join(dir, 'call.pcap');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const rows = execFileSync(
        'tshark',
        ['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'sip.Call-ID', '-e', 'sip.CSeq'],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
      expect(rows).toEqual(
        trace.entries.map((e) => `${summarizeSip(e.msg)?.callId}|${summarizeSip(e.msg)?.cseq}`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows a message whose NUL byte the B2BUA stored as "␀" (jsonb holds no U+0000)', async () => {
    const id = 'nul-body-call';
    const [invite, ...rest] = trace.entries;
    const msg = `${invite!.msg}a\u2400b`;
    await servers.prisma.callRecord.create({
      data: {
        id,
        callerNumber: '100',
        calleeNumber: '200',
        startedAt: new Date(),
        endedAt: new Date(),
        disposition: 'answered',
        legs: [],
      },
    });
    await servers.prisma.callTrace.create({
      data: {
        callId: id,
        sipCallIds: trace.sipCallIds,
        entries: [{ ...invite!, msg }, ...rest],
        sizeBytes: 100,
      },
    });
    const res = await http.get(`/api/calls/${id}/trace`);
    expect(res.status).toBe(200);
    const ladder = res.body as { arrows: { label: string }[]; messages: { text: string }[] };
    expect(ladder.arrows.map((a) => a.label)).toEqual(labels);
    expect(ladder.messages[0]?.text).toBe(msg);
    expect((await http.get(`/api/calls/${id}/trace.txt`)).text).toContain('a\u2400b');
  });

  it('answers 404 JSON for an unknown call and its trace', async () => {
    for (const p of ['/api/calls/nope', '/api/calls/nope/trace', '/api/calls/nope/trace.pcap']) {
      const res = await http.get(p);
      expect(res.status, p).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404 });
    }
  });
});

describe('switchboard trace <call-id>', () => {
  const env = () => ({
    DATABASE_URL: servers.databaseUrl,
    REDIS_URL: servers.redisUrl,
    SWITCHBOARD_SIP_DOMAIN: 'pbx.cli',
  });

  it('prints the call, its legs and the ladder as text', async () => {
    let out = '';
    const code = await runCli(['trace', callId], {
      out: (t) => (out += t),
      err: () => undefined,
      env: env(),
    });
    expect(code).toBe(0);
    expect(out).toContain(`# caller SIP Call-ID ${trace.sipCallIds[0]}`);
    const lines = out.split('\n');
    expect(lines.find((l) => l.includes('CALLER'))).toMatch(/CALLER\s+PBX\s+callee 1\s+callee 2/);
    const arrows = lines.filter((l) => /^\d\d:\d\d:\d\d\.\d{3} /.test(l));
    expect(arrows).toHaveLength(trace.entries.length);
    // Each arrow line carries its message's label and points the right way: the caller is left
    // of the PBX, the callees right of it.
    const caller = trace.entries[0]!.remote.port;
    arrows.forEach((line, i) => {
      const e = trace.entries[i]!;
      expect(line).toContain(labels[i]!.slice(0, 20));
      const rightwards = (e.remote.port === caller) === (e.dir === 'in');
      expect(line.includes('>') && !line.includes('<'), line).toBe(rightwards);
    });
  });

  it('fails with a message for an unknown call', async () => {
    let err = '';
    const code = await runCli(['trace', 'nope'], {
      out: () => undefined,
      err: (t) => (err += t),
      env: env(),
    });
    expect(code).toBe(1);
    expect(err).toContain('call nope not found');
  });
});

async function sessionCookie(): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ops', password }),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('call-detail page in headless Chromium', () => {
  it('opens from call history and draws the ladder; a click shows the whole message', async () => {
    browser = await launchChromium();
    // Tall enough for the whole page: a full-page shot would repeat the fixed header mid-page.
    page = await browser.newPage({ viewport: { width: 1400, height: 1900 } });
    page.setDefaultTimeout(15_000);
    await page.goto(server.baseUrl);
    await page.locator('input[name="username"]').fill('ops');
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.goto(`${server.baseUrl}/#/calls`);
    await page.getByRole('heading', { name: 'Call history', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('calls-table').textContent()).toContain('internal');
    await page.getByTestId('calls-table').getByRole('link').last().click();
    await page.getByRole('heading', { name: 'Call detail', level: 1 }).waitFor();
    expect(page.url()).toContain(`#/calls/${callId}`);

    const legs = page.getByTestId('legs-table');
    for (const id of trace.sipCallIds.slice(1)) await expect.poll(() => legs.textContent()).toContain(id);
    expect(await page.getByTestId('call-facts').textContent()).toContain('extensions');
    expect(await page.getByTestId('call-facts').textContent()).toContain('Directioninternal');

    const arrows = page.getByTestId('ladder-arrow');
    await expect.poll(() => arrows.count()).toBe(trace.entries.length);
    const drawn = await arrows.evaluateAll((els: { getAttribute(name: string): string | null }[]) =>
      els.map((el) => ({
        label: el.getAttribute('data-label'),
        from: Number(el.getAttribute('data-from')),
        to: Number(el.getAttribute('data-to')),
      })),
    );
    expect(drawn.map((a) => a.label)).toEqual(labels);
    trace.entries.forEach((e, i) => expect(e.dir === 'in' ? drawn[i]!.to : drawn[i]!.from).toBe(1));
    expect(await page.getByTestId('ladder-column').count()).toBe(4);

    const cancelled = labels.indexOf('487 Request Terminated');
    await arrows.nth(cancelled).click();
    const shown = page.getByTestId('sip-message');
    await expect.poll(() => shown.textContent()).toContain('SIP/2.0 487 Request Terminated');
    expect(await shown.textContent()).toContain(
      `Call-ID: ${summarizeSip(trace.entries[cancelled]!.msg)?.callId}`,
    );
    const shot = path.join(screenshotDir, 'call-detail-ladder.png');
    await page.screenshot({ path: shot });
    if (process.env.SWITCHBOARD_DOCS_SCREENSHOT) copyFileSync(shot, process.env.SWITCHBOARD_DOCS_SCREENSHOT);

    expect(await page.getByRole('link', { name: 'Download pcap' }).getAttribute('href')).toBe(
      `/api/calls/${callId}/trace.pcap`,
    );
  });

  it('shows a hostile reason phrase as text', async () => {
    await page.goto(`${server.baseUrl}/#/calls/${hostileId}`);
    const arrows = page.getByTestId('ladder-arrow');
    await expect.poll(() => arrows.count()).toBe(2);
    await arrows.nth(1).click();
    await expect.poll(() => page.getByTestId('sip-message').textContent()).toContain('<img src=x onerror=');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });
});
