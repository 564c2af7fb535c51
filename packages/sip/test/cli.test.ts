// Spawns the built bin (dist/cli/sip-parse.js; `turbo test` builds first).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/cli/sip-parse.js', import.meta.url));
const fixture = (dir: string, name: string): string =>
  fileURLToPath(new URL(`./fixtures/torture/${dir}/${name}.dat`, import.meta.url));

function run(
  args: string[],
  input?: Buffer,
  nodeFlags: string[] = [],
): { status: number | null; lines: Array<Record<string, unknown>> } {
  const r = spawnSync(process.execPath, [...nodeFlags, bin, ...args], { input, encoding: 'utf8' });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, lines };
}

describe('sip-parse CLI', { timeout: 60_000 }, () => {
  it('prints the same without WebAssembly (node --jitless: the JavaScript header splitter alone)', () => {
    const dir = fileURLToPath(new URL('./fixtures/torture/valid/', import.meta.url));
    const files = readdirSync(dir).map((f) => `${dir}${f}`);
    const withWasm = run(files);
    expect(withWasm.lines).toHaveLength(files.length);
    expect(run(files, undefined, ['--jitless'])).toEqual(withWasm);
  });

  it('prints the fields of valid messages and exits 0', () => {
    const { status, lines } = run([fixture('valid', 'esc01'), fixture('valid', 'noreason')]);
    expect(status).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      valid: true,
      error: null,
      kind: 'request',
      method: 'INVITE',
      requestUri: 'sip:sips%3Auser%40example.com@example.net',
      callId: 'esc01.239409asdfakjkn23onasd0-3234',
      cseq: { seq: 234234, method: 'INVITE' },
      from: { uri: 'sip:I%20have%20spaces@example.net', tag: '938', displayName: null },
      to: { uri: 'sip:%75se%72@example.com', tag: null, displayName: null },
      via: [
        {
          transport: 'UDP',
          host: 'host5.example.net',
          port: null,
          branch: 'z9hG4bKkdjuw',
          received: null,
          rport: null,
        },
      ],
      contacts: [
        { uri: 'sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31', expires: null, q: null },
      ],
      maxForwards: 87,
      contentLength: 150,
      contentType: 'application/sdp',
      bodyLength: 150,
    });
    expect(lines[1]).toMatchObject({ valid: true, kind: 'response', status: 100, reason: '', method: null });
  });

  it('reads stdin and exits 1 when a message is invalid', () => {
    const { status, lines } = run([], readFileSync(fixture('invalid', 'badvers')));
    expect(status).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ valid: false, error: 'Version Not Supported', method: 'OPTIONS' }),
    ]);
  });

  it('reports unparseable input and keeps going over the other files', () => {
    const { status, lines } = run([fixture('invalid', 'ncl'), fixture('valid', 'wsinv')]);
    expect(status).toBe(1);
    expect(lines.map((l) => [l.valid, l.error])).toEqual([
      [false, 'Invalid Content-Length header: expected digits'],
      [true, null],
    ]);
    expect(lines[1]!.contacts).toEqual([{ uri: 'sip:jdrosen@example.com', expires: null, q: 0.33 }]);
  });

  it('--stream prints one object per framed message', () => {
    const one = readFileSync(fixture('valid', 'zeromf'));
    const { status, lines } = run(['--stream'], Buffer.concat([one, Buffer.from('\r\n\r\n'), one]));
    expect(status).toBe(0);
    expect(lines.map((l) => l.maxForwards)).toEqual([0, 0]);
  });
});
