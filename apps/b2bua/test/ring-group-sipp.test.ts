import type { PrismaClient } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CallsHarness, killAllSipp, startCalls, startSipp } from './support/calls-harness.js';
import { freeUdpPort } from './support/sip-test-kit.js';

/**
 * Ring groups through the running B2BUA (issue #9): sipp phones as members, the ring-group plugin
 * in the routing worker reading the group rows as the admin app writes them (ring_groups +
 * ring_group_members), real Redis and PostgreSQL. Numbers 83xx-86xx and caller 8100 are this
 * file's own: busy lines and plugin state in Redis are not prefixed per test database.
 */
let h: CallsHarness;
vi.setConfig({ testTimeout: 45_000 });

const CALLER = '8100';
const RING_ALL = '8600';
const HUNT = '8610';
const DECLINE_ALL = '8620';
const ROUND_ROBIN = '8630';
const MEMORY_HUNT = '8640';
const OVERFLOW = '8650';
const ROUND_ROBIN_MEMORY = redisKeys.pluginState('ring-group', `roundrobin:last-answered:${ROUND_ROBIN}`);
const MEMBERS = ['8301', '8302', '8303', '8311', '8312', '8313', '8314', '8315', '8321', '8322', '8323'];
const MEMBERS_RR = ['8331', '8332', '8333'];
const MEMBERS_MH = ['8341', '8342'];
const MEMBERS_OVERFLOW = ['8351'];
const BUSY = '8311';

/**
 * Admin-style rows: the group and its members in order, as RingGroupsService.create writes them, with
 * values the admin accepts (ring times of at least 5 s).
 */
async function createGroup(
  prisma: PrismaClient,
  data: {
    number: string;
    name: string;
    strategy: 'ringall' | 'hunt' | 'roundrobin' | 'memoryhunt';
    ringTimeSeconds: number;
    memberRingSeconds?: number;
    fallbackKind: 'none' | 'extension' | 'voicemail' | 'ring_group';
    fallbackTarget?: string;
    callerIdPrefix?: string;
  },
  members: ReadonlyArray<{ extension: string; ringSeconds?: number }>,
): Promise<void> {
  const rows = await prisma.extension.findMany({
    where: { number: { in: members.map((m) => m.extension) } },
  });
  const idOf = new Map(rows.map((r) => [r.number, r.id]));
  await prisma.ringGroup.create({
    data: {
      ...data,
      members: {
        create: members.map((m, position) => ({
          extensionId: idOf.get(m.extension) ?? '',
          position,
          ...(m.ringSeconds === undefined ? {} : { ringSeconds: m.ringSeconds }),
        })),
      },
    },
  });
}

beforeAll(async () => {
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS:
        '@switchboard/plugin-ring-group,@switchboard/plugin-find-me,@switchboard/plugin-extensions',
    },
    async (s) => {
      await s.addExtension(CALLER, `pw-${CALLER}`);
      const all = [...MEMBERS, ...MEMBERS_RR, ...MEMBERS_MH, ...MEMBERS_OVERFLOW];
      for (const ext of all) await s.addExtension(ext, `pw-${ext}`);
      await s.prisma.extension.update({ where: { number: BUSY }, data: { maxConcurrentCalls: 1 } });
      await createGroup(
        s.prisma,
        {
          number: RING_ALL,
          name: 'Sales',
          strategy: 'ringall',
          ringTimeSeconds: 20,
          fallbackKind: 'none',
          callerIdPrefix: 'Sales: ',
        },
        [{ extension: '8301' }, { extension: '8302' }, { extension: '8303' }],
      );
      await createGroup(
        s.prisma,
        {
          number: HUNT,
          name: 'Support',
          strategy: 'hunt',
          ringTimeSeconds: 30,
          memberRingSeconds: 5,
          fallbackKind: 'extension',
          fallbackTarget: '8315',
        },
        // 8311 is busy and 8313 not registered: both skipped; 8314 rings longer than the group default.
        [
          { extension: '8311' },
          { extension: '8312' },
          { extension: '8313' },
          { extension: '8314', ringSeconds: 6 },
        ],
      );
      await createGroup(
        s.prisma,
        {
          number: DECLINE_ALL,
          name: 'Desk',
          strategy: 'ringall',
          ringTimeSeconds: 20,
          fallbackKind: 'extension',
          fallbackTarget: '8323',
        },
        [{ extension: '8321' }, { extension: '8322' }],
      );
      await createGroup(
        s.prisma,
        {
          number: ROUND_ROBIN,
          name: 'Rota',
          strategy: 'roundrobin',
          ringTimeSeconds: 60,
          memberRingSeconds: 10,
          fallbackKind: 'none',
        },
        MEMBERS_RR.map((extension) => ({ extension })),
      );
      await createGroup(
        s.prisma,
        {
          number: MEMORY_HUNT,
          name: 'Escalation',
          strategy: 'memoryhunt',
          ringTimeSeconds: 10,
          memberRingSeconds: 5,
          fallbackKind: 'voicemail',
          fallbackTarget: '8341',
        },
        MEMBERS_MH.map((extension) => ({ extension })),
      );
      await createGroup(
        s.prisma,
        {
          number: OVERFLOW,
          name: 'Overflow',
          strategy: 'ringall',
          ringTimeSeconds: 20,
          fallbackKind: 'ring_group',
          fallbackTarget: RING_ALL,
        },
        MEMBERS_OVERFLOW.map((extension) => ({ extension })),
      );
      const mailboxOwner = await s.prisma.extension.findUniqueOrThrow({ where: { number: '8341' } });
      await s.prisma.voicemailBox.create({ data: { extensionId: mailboxOwner.id } });
    },
  );
  await h.redis.del(ROUND_ROBIN_MEMORY);
  await h.redis.zadd(redisKeys.extensionCalls(BUSY), Date.now(), 'rg-test-call-in-progress');
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.redis.del(ROUND_ROBIN_MEMORY, redisKeys.extensionCalls(BUSY));
  await h?.close();
});

let testStart = new Date();

beforeEach(async () => {
  testStart = new Date();
  for (const ext of [...MEMBERS, ...MEMBERS_RR, ...MEMBERS_MH, ...MEMBERS_OVERFLOW]) await h.unbindAll(ext);
});

function callerArgs(dialled: string): string[] {
  const auth = ['-au', CALLER, '-ap', `pw-${CALLER}`];
  return ['-s', dialled, ...auth, '-key', 'domain', h.domain, '-key', 'caller', CALLER];
}

type SippResult = { code: number | null; output: string };

/**
 * sipp's own limit (the harness default is 15 s): the hunt plan rings 5 s + 6 s before its fallback.
 * The harness still kills any sipp after 20 s.
 */
const SIPP_TIMEOUT = ['-timeout', '19s'];

/** A sipp phone for `extension`, bound in the location service as the registrar does. */
async function phone(extension: string, scenario: string, args: string[] = []) {
  const p = await startSipp(scenario, [...args, ...SIPP_TIMEOUT]);
  await h.bind(extension, p.port);
  return p;
}

/** A sipp phone that first REGISTERs through the B2BUA (digest, 401 + MD5), then answers calls on that port. */
async function registeredPhone(extension: string, scenario: string) {
  const port = await freeUdpPort();
  const credentials = ['-s', extension, '-au', extension, '-ap', `pw-${extension}`];
  const keys = ['-key', 'domain', h.domain, '-key', 'expires', '300'];
  const register = await startSipp('register-auth.xml', [...credentials, ...keys, '-p', String(port)], {
    host: '127.0.0.1',
    port: h.port,
  });
  const registered = await register.done;
  expect(registered.code, registered.output).toBe(0);
  // sipp takes the last -p: the phone listens where it registered from.
  const p = await startSipp(scenario, ['-p', String(port), ...SIPP_TIMEOUT]);
  return { ...p, port };
}

async function dial(dialled: string, scenario = 'call-uac-basic.xml'): Promise<SippResult> {
  const caller = await startSipp(
    scenario,
    [...callerArgs(dialled), ...SIPP_TIMEOUT],
    { host: '127.0.0.1', port: h.port },
    `sip:${dialled}@${h.domain}`,
  );
  return caller.done;
}

function expectPassed(r: SippResult): void {
  expect(r.code, r.output).toBe(0);
}

interface RecordedLeg {
  target: string;
  startedAt: string;
  endedAt?: string;
  status?: number;
  answered: boolean;
}

/** The call record of this test's call to `dialled` (records arrive through a queue). */
async function recordOf(dialled: string) {
  const row = await vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({
        where: { calleeNumber: dialled, startedAt: { gte: testStart } },
      });
      if (rows.length !== 1) throw new Error(`expected one call record for ${dialled}, found ${rows.length}`);
      return rows[0]!;
    },
    { timeout: 10_000, interval: 50 },
  );
  return { ...row, legs: row.legs as unknown as RecordedLeg[] };
}

/** The extension whose phone (listening on the leg's contact port) a leg rang. */
function legOwner(leg: RecordedLeg, ports: Record<string, number>): string | undefined {
  const port = Number(/:(\d+)(?:[;>]|$)/.exec(leg.target)?.[1]);
  return Object.entries(ports).find(([, p]) => p === port)?.[0];
}

const ms = (iso: string | Date): number => new Date(iso).getTime();

describe('ring groups through the B2BUA (sipp)', () => {
  it('ringall: three members ring, the first to answer wins, the other two get CANCEL with Reason cause=200', async () => {
    // 8301 registers for real; 8302 and 8303 are bound as the registrar would.
    const winner = await registeredPhone('8301', 'rg-uas-answer-prefix.xml');
    const loser2 = await phone('8302', 'call-uas-ring-elsewhere.xml');
    const loser3 = await phone('8303', 'call-uas-ring-elsewhere.xml');
    const caller = await dial(RING_ALL);
    expectPassed(caller);
    for (const p of [winner, loser2, loser3]) expectPassed(await p.done);

    const rec = await recordOf(RING_ALL);
    expect(rec).toMatchObject({
      callerNumber: CALLER,
      answeredBy: '8301',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    const ports = { '8301': winner.port, '8302': loser2.port, '8303': loser3.port };
    expect(rec.legs.map((l) => legOwner(l, ports)).sort()).toEqual(['8301', '8302', '8303']);
    expect(rec.legs.filter((l) => l.answered).map((l) => legOwner(l, ports))).toEqual(['8301']);
    // All three rang together: one fork, not one after the other.
    const starts = rec.legs.map((l) => ms(l.startedAt));
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(1000);
  });

  it('ringall: two members answer at the same moment; one wins, the other 2xx gets ACK and BYE', async () => {
    const a = await phone('8302', 'rg-uas-answer-at-once.xml');
    const b = await phone('8303', 'rg-uas-answer-at-once.xml');
    expectPassed(await dial(RING_ALL));
    for (const p of [a, b]) expectPassed(await p.done);
    const rec = await recordOf(RING_ALL);
    expect(['8302', '8303']).toContain(rec.answeredBy);
    expect(rec).toMatchObject({ disposition: 'answered', hangupSide: 'caller' });
    const ports = { '8302': a.port, '8303': b.port };
    expect(rec.legs.filter((l) => l.answered).map((l) => legOwner(l, ports))).toEqual([rec.answeredBy]);
    expect(rec.legs).toHaveLength(2);
  });

  it('hunt: busy and unregistered members skipped, the others in order for their own ring time, then the fallback extension', async () => {
    const first = await phone('8312', 'call-uas-ring.xml');
    const second = await phone('8314', 'call-uas-ring.xml');
    const fallback = await phone('8315', 'call-uas-answer.xml');
    // The busy member has a phone too: it must not ring (it would fail the call if it did not answer).
    const busy = await phone(BUSY, 'call-uas-answer.xml');
    const caller = await dial(HUNT);
    expectPassed(caller);
    for (const p of [first, second, fallback]) expectPassed(await p.done);
    busy.kill();
    expect((await busy.done).code).not.toBe(0);

    const rec = await recordOf(HUNT);
    expect(rec).toMatchObject({ answeredBy: '8315', disposition: 'answered' });
    const ports = { '8312': first.port, '8314': second.port, '8315': fallback.port, [BUSY]: busy.port };
    expect(rec.legs.map((l) => legOwner(l, ports))).toEqual(['8312', '8314', '8315']);
    expect(rec.legs.map((l) => l.answered)).toEqual([false, false, true]);
    const [a, b, c] = rec.legs.map((l) => ms(l.startedAt));
    // 5 s for 8312 (the group's member time), 6 s for 8314 (its own): lower bounds are the
    // B2BUA's timers, upper bounds allow for a loaded machine.
    expect(b! - a!).toBeGreaterThanOrEqual(4950);
    expect(b! - a!).toBeLessThan(7000);
    expect(c! - b!).toBeGreaterThanOrEqual(5950);
    expect(c! - b!).toBeLessThan(8000);
  });

  it('hunt: a member declining (603) or busy (486) ends only their turn; the next member answers', async () => {
    const decliner = await phone('8312', 'rg-uas-decline.xml');
    const busy = await phone('8313', 'call-uas-busy.xml');
    const answer = await phone('8314', 'call-uas-answer.xml');
    const caller = await dial(HUNT);
    expectPassed(caller);
    for (const p of [decliner, busy, answer]) expectPassed(await p.done);
    const rec = await recordOf(HUNT);
    expect(rec).toMatchObject({ answeredBy: '8314', disposition: 'answered' });
    const ports = { '8312': decliner.port, '8313': busy.port, '8314': answer.port };
    expect(rec.legs.map((l) => [legOwner(l, ports), l.status])).toEqual([
      ['8312', 603],
      ['8313', 486],
      ['8314', 200],
    ]);
    // Straight on after each refusal, not after the members' 5 s ring time.
    const [a, , c] = rec.legs.map((l) => ms(l.startedAt));
    expect(c! - a!).toBeLessThan(4000);
  });

  it('ringall: a 603 ends the fork (RFC 3261 §16.7) and the call goes to the fallback, not back to the caller', async () => {
    const decliner = await phone('8321', 'rg-uas-decline.xml');
    const ringing = await phone('8322', 'call-uas-ring.xml');
    const fallback = await phone('8323', 'call-uas-answer.xml');
    const caller = await dial(DECLINE_ALL);
    expectPassed(caller);
    for (const p of [decliner, ringing, fallback]) expectPassed(await p.done);
    const rec = await recordOf(DECLINE_ALL);
    expect(rec).toMatchObject({ answeredBy: '8323', disposition: 'answered' });
    const ports = { '8321': decliner.port, '8322': ringing.port, '8323': fallback.port };
    const byOwner = rec.legs.map((l) => `${legOwner(l, ports)}:${l.status}`).sort();
    expect(byOwner).toEqual(['8321:603', '8322:487', '8323:200']);
  });

  it('ringall: a member answering 486 drops out; the others keep ringing and one answers', async () => {
    const busy = await phone('8321', 'call-uas-busy.xml');
    const answer = await phone('8322', 'call-uas-answer.xml');
    const caller = await dial(DECLINE_ALL);
    expectPassed(caller);
    for (const p of [busy, answer]) expectPassed(await p.done);
    const rec = await recordOf(DECLINE_ALL);
    expect(rec).toMatchObject({ answeredBy: '8322', disposition: 'answered' });
    expect(rec.legs.map((l) => l.status).sort()).toEqual([200, 486]);
  });

  it('ring_group fallback: a declined group overflows to another group, whose member answers', async () => {
    const decliner = await phone('8351', 'rg-uas-decline.xml');
    // Of the Sales group only 8301 is registered now; it sees the Sales prefix of the group that rings it.
    const answer = await phone('8301', 'rg-uas-answer-prefix.xml');
    expectPassed(await dial(OVERFLOW));
    for (const p of [decliner, answer]) expectPassed(await p.done);
    const rec = await recordOf(OVERFLOW);
    expect(rec).toMatchObject({ calleeNumber: OVERFLOW, answeredBy: '8301', disposition: 'answered' });
    const ports = { '8351': decliner.port, '8301': answer.port };
    expect(rec.legs.map((l) => `${legOwner(l, ports)}:${l.status}`)).toEqual(['8351:603', '8301:200']);
  });

  it('memoryhunt: 1, then 1+2, then the voicemail fallback', async () => {
    const first = await phone('8341', 'call-uas-ring.xml', ['-m', '2']);
    const second = await phone('8342', 'call-uas-ring.xml');
    // The caller ends on the voicemail step: 480 today, the voicemail service's answer once it exists.
    expectPassed(await dial(MEMORY_HUNT, 'rg-uac-voicemail.xml'));
    for (const p of [first, second]) expectPassed(await p.done);
    const rec = await recordOf(MEMORY_HUNT);
    expect([null, 'voicemail:8341']).toContain(rec.answeredBy);
    const ports = { '8341': first.port, '8342': second.port };
    expect(rec.legs.map((l) => legOwner(l, ports))).toEqual(['8341', '8341', '8342']);
    expect(rec.legs.every((l) => !l.answered)).toBe(true);
    const [a, b, c] = rec.legs.map((l) => ms(l.startedAt));
    expect(b! - a!).toBeGreaterThanOrEqual(4950);
    expect(b! - a!).toBeLessThan(7000);
    expect(Math.abs(c! - b!)).toBeLessThan(1000);
    expect(ms(rec.endedAt!) - a!).toBeGreaterThanOrEqual(9950);
    expect(`${rec.disposition} ${rec.hangupCause ?? ''}`).toMatch(/voicemail/i);
  });

  it('roundrobin: the second call starts after the member who answered the first', async () => {
    const ports: Record<string, number> = {};
    const phones = [];
    for (const ext of MEMBERS_RR) {
      // 8331 and 8332 answer one call each; 8333 must not be rung at all.
      const p = await phone(ext, ext === '8333' ? 'call-uas-ring.xml' : 'call-uas-answer.xml');
      ports[ext] = p.port;
      phones.push(p);
    }
    expectPassed(await dial(ROUND_ROBIN));
    const first = await recordOf(ROUND_ROBIN);
    expect(first.answeredBy).toBe('8331');
    expect(first.legs.map((l) => legOwner(l, ports))).toEqual(['8331']);
    await vi.waitFor(async () => expect(await h.redis.get(ROUND_ROBIN_MEMORY)).toBe('8331'), {
      timeout: 5000,
    });

    testStart = new Date();
    expectPassed(await dial(ROUND_ROBIN));
    const second = await recordOf(ROUND_ROBIN);
    expect(second.answeredBy).toBe('8332');
    expect(second.legs.map((l) => legOwner(l, ports))).toEqual(['8332']);
    expect(await h.redis.get(ROUND_ROBIN_MEMORY)).toBe('8332');
    for (const p of phones.slice(0, 2)) expectPassed(await p.done);
    phones[2]?.kill();
  });
});
