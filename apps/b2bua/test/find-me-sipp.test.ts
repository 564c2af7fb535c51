import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CallsHarness, killAllSipp, startCalls, startSipp } from './support/calls-harness.js';

/**
 * Follow-me through the running B2BUA (issue #9): the find-me plugin in the routing worker reads the
 * extension's steps as the admin app writes them (follow_me_steps, ring times of at least 5 s), and
 * sipp phones play the desk phone and a softphone. Numbers 84xx and caller 8200 are this file's own.
 */
let h: CallsHarness;
vi.setConfig({ testTimeout: 45_000 });

const CALLER = '8200';
const DESK = '8401';
/** The colleague the follow-me ends at (final destination) in the last test. */
const COLLEAGUE = '8402';
/** sipp's own limit (the harness default is 15 s): two 5 s steps; the harness kills any sipp after 20 s. */
const SIPP_TIMEOUT = ['-timeout', '19s'];

beforeAll(async () => {
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS:
        '@switchboard/plugin-ring-group,@switchboard/plugin-find-me,@switchboard/plugin-extensions',
    },
    async (s) => {
      await s.addExtension(CALLER, `pw-${CALLER}`);
      await s.addExtension(DESK, `pw-${DESK}`);
      await s.addExtension(COLLEAGUE, `pw-${COLLEAGUE}`);
      const desk = await s.prisma.extension.update({
        where: { number: DESK },
        data: { followMeEnabled: true },
      });
      await s.prisma.voicemailBox.create({ data: { extensionId: desk.id } });
    },
  );
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

let testStart = new Date();

beforeEach(async () => {
  testStart = new Date();
  await h.unbindAll(DESK);
  await h.unbindAll(COLLEAGUE);
});

/** The steps as FollowMeService.replace writes them (positions are the list order). */
async function setSteps(steps: ReadonlyArray<{ targets: string[]; ringSeconds: number }>): Promise<void> {
  const { id } = await h.prisma.extension.findUniqueOrThrow({ where: { number: DESK } });
  await h.prisma.$transaction([
    h.prisma.followMeStep.deleteMany({ where: { extensionId: id } }),
    h.prisma.followMeStep.createMany({
      data: steps.map((s, position) => ({ extensionId: id, position, ...s })),
    }),
  ]);
}

type SippResult = { code: number | null; output: string };

/** The desk phone, bound for the extension as the registrar does; `calls` INVITEs to take. */
async function deskPhone(scenario: string, calls: number) {
  const p = await startSipp(scenario, ['-m', String(calls), ...SIPP_TIMEOUT]);
  await h.bind(DESK, p.port);
  return p;
}

/** A softphone outside the location service, reached by its SIP URI (a follow-me target). */
async function softphone(scenario: string) {
  const p = await startSipp(scenario, SIPP_TIMEOUT);
  return { ...p, uri: `sip:soft@127.0.0.1:${p.port}` };
}

async function dial(scenario: string): Promise<SippResult> {
  const caller = await startSipp(
    scenario,
    ['-s', DESK, '-au', CALLER, '-ap', `pw-${CALLER}`, '-key', 'domain', h.domain]
      .concat(['-key', 'caller', CALLER])
      .concat(SIPP_TIMEOUT),
    { host: '127.0.0.1', port: h.port },
    `sip:${DESK}@${h.domain}`,
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

async function onlyRecord() {
  const row = await vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({ where: { startedAt: { gte: testStart } } });
      if (rows.length !== 1) throw new Error(`expected one call record, found ${rows.length}`);
      return rows[0]!;
    },
    { timeout: 10_000, interval: 50 },
  );
  return { ...row, legs: row.legs as unknown as RecordedLeg[] };
}

/** Which phone a leg rang, by the port of its contact. */
function owner(leg: RecordedLeg, ports: Record<string, number>): string | undefined {
  const port = Number(/:(\d+)(?:[;>]|$)/.exec(leg.target)?.[1]);
  return Object.entries(ports).find(([, p]) => p === port)?.[0];
}

const ms = (iso: string | Date): number => new Date(iso).getTime();

describe('follow-me through the B2BUA (sipp)', () => {
  it('desk 5 s, then desk + softphone 5 s in parallel, then the mailbox', async () => {
    const desk = await deskPhone('call-uas-ring.xml', 2);
    const soft = await softphone('call-uas-ring.xml');
    await setSteps([
      { targets: [DESK], ringSeconds: 5 },
      { targets: [DESK, soft.uri], ringSeconds: 5 },
    ]);
    // The caller ends on the voicemail step: 480 today, the voicemail service's answer once it exists.
    expectPassed(await dial('rg-uac-voicemail.xml'));
    expectPassed(await desk.done);
    expectPassed(await soft.done);

    const rec = await onlyRecord();
    expect(rec).toMatchObject({ callerNumber: CALLER, calleeNumber: DESK });
    // Nobody answered: no phone, or the voicemail service itself (#10).
    expect([null, `voicemail:${DESK}`]).toContain(rec.answeredBy);
    const ports = { desk: desk.port, soft: soft.port };
    expect(rec.legs.map((l) => owner(l, ports))).toEqual(['desk', 'desk', 'soft']);
    expect(rec.legs.every((l) => !l.answered)).toBe(true);
    const [step1, step2desk, step2soft] = rec.legs.map((l) => ms(l.startedAt));
    // Step 2 starts when step 1's 5 s are up; its two targets ring together.
    expect(step2desk! - step1!).toBeGreaterThanOrEqual(4950);
    expect(step2desk! - step1!).toBeLessThan(7000);
    expect(Math.abs(step2soft! - step2desk!)).toBeLessThan(1000);
    // Both steps rang out before the mailbox was reached.
    expect(ms(rec.endedAt!) - step1!).toBeGreaterThanOrEqual(9950);
    // The plan's last step was the mailbox (the voicemail issue may answer it instead of 480).
    expect(`${rec.disposition} ${rec.hangupCause ?? ''}`).toMatch(/voicemail/i);
  });

  it('a decline (486) at the desk moves on to the next step at once; the softphone answers', async () => {
    const desk = await deskPhone('call-uas-busy.xml', 2);
    const soft = await softphone('call-uas-answer.xml');
    await setSteps([
      { targets: [DESK], ringSeconds: 15 },
      { targets: [DESK, soft.uri], ringSeconds: 20 },
    ]);
    expectPassed(await dial('call-uac-basic.xml'));
    expectPassed(await desk.done);
    expectPassed(await soft.done);

    const rec = await onlyRecord();
    expect(rec).toMatchObject({ answeredBy: soft.uri, disposition: 'answered', hangupSide: 'caller' });
    const ports = { desk: desk.port, soft: soft.port };
    expect(rec.legs.map((l) => `${owner(l, ports)}:${l.status}`)).toEqual([
      'desk:486',
      'desk:486',
      'soft:200',
    ]);
    // Not after step 1's 15 s: the busy desk ended the step.
    expect(ms(rec.legs[2]!.startedAt) - ms(rec.legs[0]!.startedAt)).toBeLessThan(5000);
  });

  it('a 603 at the desk in the last step still does not go back to the caller: the mailbox', async () => {
    const desk = await deskPhone('rg-uas-decline.xml', 1);
    await setSteps([{ targets: [DESK], ringSeconds: 20 }]);
    expectPassed(await dial('rg-uac-voicemail.xml'));
    expectPassed(await desk.done);
    const rec = await onlyRecord();
    expect(rec.legs.map((l) => l.status)).toEqual([603]);
    // The caller got the mailbox (or its 480), never the desk's 603.
    expect(rec.hangupCause ?? '').not.toMatch(/603/);
    expect(`${rec.disposition} ${rec.hangupCause ?? ''}`).toMatch(/voicemail/i);
  });

  it('without an enabled mailbox the plan ends in 480 after the last step, not the callee status', async () => {
    const { id } = await h.prisma.extension.findUniqueOrThrow({ where: { number: DESK } });
    await h.prisma.voicemailBox.update({ where: { extensionId: id }, data: { enabled: false } });
    try {
      const desk = await deskPhone('call-uas-busy.xml', 1);
      await setSteps([{ targets: [DESK], ringSeconds: 20 }]);
      expectPassed(await dial('rg-uac-voicemail.xml'));
      expectPassed(await desk.done);
      const rec = await onlyRecord();
      expect(rec).toMatchObject({ disposition: 'no_answer', answeredBy: null });
      expect(rec.hangupCause).toMatch(/^480 /);
      expect(rec.legs.map((l) => l.status)).toEqual([486]);
    } finally {
      await h.prisma.voicemailBox.update({ where: { extensionId: id }, data: { enabled: true } });
    }
  });

  it('the desk answering in step 1 ends the plan there', async () => {
    const desk = await deskPhone('call-uas-answer.xml', 1);
    await setSteps([
      { targets: [DESK], ringSeconds: 15 },
      { targets: [DESK, 'sip:soft@127.0.0.1:9'], ringSeconds: 20 },
    ]);
    expectPassed(await dial('call-uac-basic.xml'));
    expectPassed(await desk.done);
    const rec = await onlyRecord();
    expect(rec).toMatchObject({ answeredBy: DESK, disposition: 'answered' });
    expect(rec.legs).toHaveLength(1);
  });

  it('after the last step the call lands at the final destination: another extension, which answers', async () => {
    const { id } = await h.prisma.extension.findUniqueOrThrow({ where: { number: DESK } });
    // As FollowMeService.replace stores it.
    await h.prisma.extension.update({
      where: { id },
      data: { followMeFinalKind: 'extension', followMeFinalTarget: COLLEAGUE },
    });
    try {
      const desk = await deskPhone('call-uas-busy.xml', 1);
      const colleague = await startSipp('call-uas-answer.xml', SIPP_TIMEOUT);
      await h.bind(COLLEAGUE, colleague.port);
      await setSteps([{ targets: [DESK], ringSeconds: 20 }]);
      expectPassed(await dial('call-uac-basic.xml'));
      expectPassed(await desk.done);
      expectPassed(await colleague.done);
      const rec = await onlyRecord();
      expect(rec).toMatchObject({ answeredBy: COLLEAGUE, disposition: 'answered', calleeNumber: DESK });
      const ports = { desk: desk.port, colleague: colleague.port };
      // The step rang (the desk was busy), then the reroute to the final destination answered.
      expect(rec.legs.map((l) => `${owner(l, ports)}:${l.status}`)).toEqual(['desk:486', 'colleague:200']);
    } finally {
      await h.prisma.extension.update({
        where: { id },
        data: { followMeFinalKind: 'voicemail', followMeFinalTarget: null },
      });
    }
  });
});
