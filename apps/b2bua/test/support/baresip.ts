import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BARESIP = '/usr/bin/baresip';

/** Fails (never skips) when baresip is missing: CI installs it (Debian package baresip). */
export function requireBaresip(): void {
  if (!fs.existsSync(BARESIP)) {
    throw new Error(`baresip not found at ${BARESIP}: install the Debian package baresip (npm test does it)`);
  }
}

/** A 30 s, 8 kHz, 16-bit mono sine WAV (what aufile needs; ausine would need 48 kHz). */
export function writeToneWav(file: string): void {
  const rate = 8000;
  // aufile ends the call when the file ends: longer than any test call.
  const samples = rate * 30;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

export interface BaresipOptions {
  user: string;
  password: string;
  domain: string;
  proxy: { host: string; port: number };
  listenPort: number;
  /** Quit after this many seconds (hangs up a call in progress). */
  seconds: number;
  autoAnswer?: boolean;
  commands?: string[];
  /** Address baresip listens on (default 127.0.0.1): one on a veth of a test's network namespace. */
  listenHost?: string;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
}

/** Audio bit rates of the call, from baresip's status line (`audio=TX/RX (bit/s)`): the highest seen. */
export interface RtpSummary {
  readonly sentBps: number;
  readonly receivedBps: number;
}

export interface BaresipRun {
  done: Promise<{ code: number | null; output: string; rtp: RtpSummary | undefined }>;
  /** What baresip printed so far. */
  output(): string;
  kill(): void;
}

export function rtpSummaryOf(output: string): RtpSummary | undefined {
  let summary: RtpSummary | undefined;
  for (const m of output.matchAll(/audio=(\d+)\/(\d+) \(bit\/s\)/g)) {
    const sentBps = Number(m[1]);
    const receivedBps = Number(m[2]);
    summary = {
      sentBps: Math.max(sentBps, summary?.sentBps ?? 0),
      receivedBps: Math.max(receivedBps, summary?.receivedBps ?? 0),
    };
  }
  return summary;
}

/** A headless baresip (no alsa/stun/turn/ice; aufile audio) registered to the B2BUA. */
export function startBaresip(o: BaresipOptions): BaresipRun {
  requireBaresip();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-baresip-'));
  const wav = path.join(dir, 'tone.wav');
  writeToneWav(wav);
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen ${o.listenHost ?? '127.0.0.1'}:${o.listenPort}`,
      `audio_source aufile,${wav}`,
      `audio_player aufile,${path.join(dir, 'out.wav')}`,
      'audio_alert aufile,/dev/null',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module_app account.so',
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  const params = [
    `auth_pass=${o.password}`,
    `outbound="sip:${o.proxy.host}:${o.proxy.port}"`,
    'regint=600',
    'audio_codecs=PCMU',
    ...(o.autoAnswer ? ['answermode=auto'] : []),
  ];
  fs.writeFileSync(path.join(dir, 'accounts'), `<sip:${o.user}@${o.domain}>;${params.join(';')}\n`);
  fs.writeFileSync(path.join(dir, 'contacts'), '');
  const args = ['-f', dir, '-s', '-t', String(o.seconds)];
  for (const c of o.commands ?? []) args.push('-e', c);
  const child = o.netns
    ? spawn('ip', ['netns', 'exec', o.netns, BARESIP, ...args], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(BARESIP, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const guard = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 10) * 1000);
  const done = new Promise<{ code: number | null; output: string; rtp: RtpSummary | undefined }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, output, rtp: rtpSummaryOf(output) });
    }),
  );
  return { done, output: () => output, kill: () => child.kill('SIGKILL') };
}
