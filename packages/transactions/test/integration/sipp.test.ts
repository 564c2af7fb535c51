import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MinimalUac } from './minimal-uac.js';
import { MinimalUas } from './minimal-uas.js';
import { freePort, requireSipp, runSipp, waitForListener } from './sipp.js';

const CALLS = 20;
/** sipp's built-in uas plus answering a retransmitted INVITE again (see the file). */
const tolerantUas = path.join(path.dirname(fileURLToPath(import.meta.url)), 'uas-tolerant.xml');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

beforeAll(() => requireSipp());

describe.each([
  { transport: 'UDP', flag: 'u1', lost: [] as string[] },
  { transport: 'TCP', flag: 't1', lost: [] as string[] },
  { transport: 'UDP with 10% loss', flag: 'u1', lost: ['-lost', '10'] },
])('sipp against the layer over $transport', ({ transport, flag, lost }) => {
  const options = { timeout: 90_000 };
  it(`a minimal UAS completes sipp's uac scenario for all ${CALLS} calls`, options, async () => {
    const uas = new MinimalUas();
    await uas.listen();
    closers.push(() => uas.close());
    const port = transport.startsWith('TCP') ? uas.tcp.address().port : uas.udp.address().port;
    const sippPort = await freePort();
    const r = await runSipp([
      '-sn',
      'uac',
      `127.0.0.1:${port}`,
      '-i',
      '127.0.0.1',
      '-p',
      String(sippPort),
      '-t',
      flag,
      '-m',
      String(CALLS),
      '-r',
      '20',
      '-l',
      '10',
      ...lost,
    ]);
    expect(r.code, r.output).toBe(0);
    expect(r.successful).toBe(CALLS);
    expect(r.failed).toBe(0);
    expect(uas.calls).toBe(CALLS);
    // With -lost, sipp itself must have retransmitted: the loss really happened.
    if (lost.length > 0) expect(r.retransmissions).toBeGreaterThan(0);
  });

  it(`a minimal UAC completes ${CALLS} calls against sipp's uas scenario`, options, async () => {
    // sipp's uas script is stricter than SIP: it fails a call whose BYE overtakes a lost ACK.
    // So on the lossy path the UAC hangs up only after sipp's 2xx retransmissions (every 300 ms,
    // doubling, in uas-tolerant.xml: 0.3, 0.9, 2.1, 4.5, 9.3 s after the first) have stopped.
    const uac = new MinimalUac(lost.length > 0 ? 10_000 : 500);
    await uac.listen();
    closers.push(() => uac.close());
    const sippPort = await freePort();
    // Loss-free runs use sipp's built-in uas; lossy runs need it to answer INVITE retransmissions.
    const scenario = lost.length > 0 ? ['-sf', tolerantUas] : ['-sn', 'uas'];
    const sipp = runSipp([
      ...scenario,
      '-i',
      '127.0.0.1',
      '-p',
      String(sippPort),
      '-t',
      flag,
      '-m',
      String(CALLS),
      ...lost,
    ]);
    const protocol = transport.startsWith('TCP') ? ('TCP' as const) : ('UDP' as const);
    // Over UDP a request sent before sipp is bound is simply retransmitted; TCP needs the listener.
    if (protocol === 'TCP') await waitForListener(sippPort);
    // All calls in flight together: the run stays short even when the machine is loaded.
    const results = await Promise.all(
      Array.from({ length: CALLS }, () => uac.call({ protocol, host: '127.0.0.1', port: sippPort })),
    );
    const r = await sipp;
    expect(
      results.filter((x) => x !== 'ok'),
      r.output,
    ).toEqual([]);
    expect(r.code, r.output).toBe(0);
    expect(r.successful).toBe(CALLS);
  });
});
