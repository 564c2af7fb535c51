import { redisKeys, type DialogChange, type ExtensionDialog } from '@switchboard/live-state';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { enableExtensionsPlugin, startSipp } from './support/calls-harness.js';
import { callSuite, expectPassed, recordsInOrder } from './support/call-runner.js';
import { UdpSipClient } from './support/sip-test-kit.js';

/**
 * INVITE with Replaces (RFC 3891 §3) arriving at the B2BUA, sipp on every leg
 * (test/sipp/replaces-*.xml): a second phone of 201 takes over 201's call with 202; early-only and
 * terminated dialogs are refused; a phone answers a call ringing elsewhere by naming its leg.
 */
const suite = callSuite({}, async (s) => {
  for (const n of ['202', '203']) await s.addExtension(n, `pw-${n}`);
  await enableExtensionsPlugin(s, 10);
});

const records = (count: number) => recordsInOrder(suite.h, count);

/** `caller`'s sipp dialling `dialled` (digest as `caller`), with more arguments. */
function phoneOf(caller: string, dialled: string, scenario: string, more: string[] = []) {
  const { h } = suite;
  const args = [
    ...['-s', dialled, '-au', caller, '-ap', `pw-${caller}`],
    ...['-key', 'domain', h.domain, '-key', 'caller', caller],
  ];
  return startSipp(
    scenario,
    [...args, ...more],
    { host: '127.0.0.1', port: h.port },
    `sip:${dialled}@${h.domain}`,
    { 'roles.csv': Buffer.from('SEQUENTIAL\nold\nnew\n') },
  );
}

/** The old and the new phone of 201 in one sipp (they share the old call's dialog ids). */
const twoPhones = (scenario: string) =>
  phoneOf('201', '202', scenario, ['-m', '2', '-inf', 'roles.csv', '-cid_str', 'rep-%u-%p']);

/** 202 answering at a sipp bound as its only contact. */
async function answering(scenario: string) {
  const far = await startSipp(scenario, []);
  await suite.h.unbindAll('202');
  await suite.h.bind('202', far.port);
  return far;
}

/** 201's two phones against 202 answering with `farScenario`: both sipps pass; 201's run is returned. */
async function twoPhonesWith202(scenario: string, farScenario: string) {
  const far = await answering(farScenario);
  const phones = await (await twoPhones(scenario)).done;
  if (phones.code !== 0) far.kill();
  expectPassed(phones);
  expectPassed(await far.done);
  return phones;
}

describe('INVITE with Replaces through the B2BUA (sipp)', () => {
  it("201's second phone takes over its confirmed call with 202: challenged, 202 re-INVITEd with the new phone's offer, the old phone BYEd with a Reason, Supported: replaces advertised, the chain notes it", async () => {
    const { h } = suite;
    const watch = h.redis.duplicate();
    const changes: DialogChange[] = [];
    await watch.subscribe(redisKeys.dialogChanges);
    watch.on('message', (_channel, message: string) =>
      changes.push(...(JSON.parse(message) as DialogChange[])),
    );
    onTestFinished(() => watch.quit().then(() => undefined));
    const p = await twoPhonesWith202('replaces-uac-take-over.xml', 'replaces-uas-far-party.xml');
    // The old phone's BYE: RFC 3326 Reason with the cause of a replaced call.
    expect(p.messages).toMatch(/BYE sip:[^\r\n]*[\s\S]*?Reason: SIP;cause=200;text="Call replaced"/);
    const [old, taken] = await records(2);
    expect(old).toMatchObject({
      callerNumber: '201',
      calleeNumber: '202',
      answeredBy: '202',
      disposition: 'answered',
      hangupSide: 'system',
    });
    expect(old!.hangupCause).toContain('replaced by 201 (INVITE with Replaces): 202 moved');
    expect(taken).toMatchObject({
      callerNumber: '201',
      calleeNumber: '202',
      answeredBy: '202',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(taken!.transfers).toMatchObject([
      { transferor: '201', transferee: '202', target: '201', status: 200, kind: 'replaces' },
    ]);
    // Busy lamps (RFC 4235 §4.1.2): the old call's dialogs end as `replaced`, not as a hang-up.
    const ended = changes.filter((c) => c.dialog.state === 'terminated' && c.dialog.event === 'replaced');
    expect(ended.map((c) => c.resource).sort()).toEqual(['201', '202']);
    for (const ext of ['201', '202']) expect(await h.redis.zcard(redisKeys.extensionCalls(ext))).toBe(0);
    await suite.run.expectNoLiveCalls();
  });

  it('OPTIONS lists replaces among the supported option tags (RFC 3891 §6.1) and Require: replaces is accepted', async () => {
    const { h } = suite;
    const phone = await new UdpSipClient({ host: '127.0.0.1', port: h.port }).open();
    onTestFinished(() => phone.close());
    const us = `sip:${h.domain}`;
    const asked = { method: 'OPTIONS', uri: us, from: `<sip:201@${h.domain}>`, to: `<${us}>` };
    const r = await phone.request({ ...asked, headers: [['Require', 'replaces']] });
    expect(r.status).toBe(200);
    expect(r.getHeader('Supported')?.split(/\s*,\s*/)).toContain('replaces');
  });

  it('early-only naming a confirmed call → 486 and the call goes on; once it ended, the same Replaces → 603', async () => {
    const p = await twoPhonesWith202('replaces-uac-refused.xml', 'call-uas-answer.xml');
    expect(p.messages).toMatch(/SIP\/2.0 486 Busy Here/);
    expect(p.messages).toMatch(/SIP\/2.0 603 Declined/);
    // Only the old call was a call: the refused INVITEs never became one.
    const [old] = await records(1);
    expect(old).toMatchObject({ callerNumber: '201', answeredBy: '202', hangupSide: 'caller' });
    await suite.run.expectNoLiveCalls();
  });

  it('a Replaces naming no dialog of the PBX: challenged first, then 481', async () => {
    const r = await (await phoneOf('201', '202', 'replaces-uac-unknown-dialog.xml')).done;
    expectPassed(r);
    expect(r.messages).toMatch(/SIP\/2.0 407/);
    expect(r.messages).toMatch(/SIP\/2.0 481 Call\/Transaction Does Not Exist/);
    expect(await suite.h.prisma.callRecord.count()).toBe(0);
    await suite.run.expectNoLiveCalls();
  });

  it("a leg the PBX is ringing (100 → 202) named by 203's INVITE: the leg gets CANCEL cause=200, 100 and 203 talk", async () => {
    const { h } = suite;
    const rung = await answering('call-uas-ring-elsewhere.xml');
    const calling = await startSipp(
      'call-uac-callee-hangup.xml',
      ['-s', '202', '-au', '100', '-ap', 'pw-100', '-key', 'domain', h.domain, '-key', 'caller', '100'],
      { host: '127.0.0.1', port: h.port },
      `sip:202@${h.domain}`,
    );
    // The ringing leg's Call-ID, as 202's busy lamp (dialog-info call-id) shows it to other phones.
    const legCallId = await vi.waitFor(
      async () => {
        const all = Object.values(await h.redis.hgetall(redisKeys.extensionDialogs('202')));
        const early = all.map((raw) => JSON.parse(raw) as ExtensionDialog).find((d) => d.state === 'early');
        if (!early?.callId) throw new Error('202 not ringing yet');
        return early.callId;
      },
      { timeout: 5000, interval: 50 },
    );
    const keys = ['-key', 'replaces_callid', legCallId, '-key', 'replaces_totag', 'rung'];
    const picker = await phoneOf('203', '202', 'replaces-uac-ringing.xml', [
      ...keys,
      ...['-key', 'replaces_fromtag', 'pbx'],
    ]);
    const r = await picker.done;
    if (r.code !== 0) calling.kill();
    expectPassed(r);
    expectPassed(await rung.done);
    expectPassed(await calling.done);
    const [row] = await records(1);
    expect(row).toMatchObject({ callerNumber: '100', answeredBy: '203', disposition: 'answered' });
    expect(row!.transfers).toMatchObject([
      { transferor: '203', transferee: '100', target: '203', status: 200, kind: 'replaces' },
    ]);
    await suite.run.expectNoLiveCalls();
  });
});
