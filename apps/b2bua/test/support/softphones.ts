import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BARESIP, requireBaresip, writeToneWav } from './baresip.js';
import { freeSipPort, freeUdpPort } from './sip-test-kit.js';

export const LINPHONEC = '/usr/bin/linphonec';

/** Fails (never skips) when linphonec is missing: CI installs it (Debian package linphone-cli). */
export function requireLinphonec(): void {
  if (!fs.existsSync(LINPHONEC)) {
    throw new Error(
      `linphonec not found at ${LINPHONEC}: install the Debian package linphone-cli (npm test does it)`,
    );
  }
}

export type PhoneTransport = 'udp' | 'tcp' | 'tls';

export interface SoftphoneOptions {
  extension: string;
  password: string;
  domain: string;
  /** The PBX listener for this transport. */
  proxy: { host: string; port: number };
  transport: PhoneTransport;
  /** Local SIP port (UDP/TCP; TLS uses the next one for linphonec). */
  sipPort: number;
  rtpPort: number;
  /** PEM of the PBX's TLS certificate (trusted by the phone); needed for TLS only. */
  caFile?: string;
  /** Loopback address the phone uses for SIP and RTP: 127.0.0.1 or ::1. */
  address?: string;
  /**
   * baresip's media encryption (SDES, its srtp module): `srtp-mand` offers RTP/SAVP with a=crypto,
   * `srtp` a best-effort a=crypto on RTP/AVP. Absent: plain RTP.
   */
  mediaenc?: 'srtp' | 'srtp-mand';
}

/** A UDP phone of `extension` registering at the PBX on loopback, on free SIP and RTP ports. */
export async function loopbackPhone(
  pbx: { readonly domain: string; readonly port: number },
  extension: string,
  password: string,
): Promise<SoftphoneOptions> {
  return {
    extension,
    password,
    domain: pbx.domain,
    proxy: { host: '127.0.0.1', port: pbx.port },
    transport: 'udp',
    sipPort: await freeSipPort(),
    rtpPort: await freeUdpPort(),
  };
}

/** What a call test does with a phone, whichever client it is. */
export interface Softphone {
  readonly client: 'baresip' | 'linphonec';
  readonly options: SoftphoneOptions;
  dial(uri: string): void;
  hold(): void;
  resume(): void;
  hangUp(): void;
  /** Blind transfer of the current call to `uri` (the phone sends REFER, RFC 3515). */
  transfer(uri: string): void;
  /** Resolves with the match when the output (from `from` on) matches; rejects after `ms`. */
  waitFor(pattern: RegExp, ms: number, from?: number): Promise<RegExpMatchArray>;
  readonly outputLength: number;
  readonly registered: RegExp;
  readonly established: RegExp;
  readonly ended: RegExp;
  /** RTP packets {sent, received} of the last call, from the client's own statistics. */
  rtpCounts(): { sent: number; received: number } | undefined;
  tail(chars?: number): string;
  stop(): Promise<void>;
}

class Process {
  output = '';
  private waiters: { pattern: RegExp; from: number; resolve: (m: RegExpMatchArray) => void }[] = [];
  readonly exited: Promise<void>;

  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    private readonly dir: string,
  ) {
    const take = (chunk: Buffer) => {
      // baresip redraws a status line ("[0:00:01] audio=…") many times a second: keep it out.
      this.output += chunk
        .toString('utf8')
        .replace(/\r/g, '\n')
        .replace(/^\[\d+:\d\d:\d\d\] audio=.*\n?/gm, '')
        .replace(/^\/.*\n/gm, ''); // baresip's echo of the commands typed
      this.waiters = this.waiters.filter((w) => {
        const m = this.output.slice(w.from).match(w.pattern);
        if (m) w.resolve(m);
        return !m;
      });
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
  }

  send(line: string): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${line}\n`);
  }

  waitFor(pattern: RegExp, ms: number, from = 0): Promise<RegExpMatchArray> {
    const now = this.output.slice(from).match(pattern);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${ms} ms waiting for ${String(pattern)}`));
      }, ms);
      const done = (m: RegExpMatchArray) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push({ pattern, from, resolve: done });
    });
  }

  async stop(quit: string): Promise<void> {
    this.send(quit);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(killer);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits for `pattern` on `p` from output position `from`; on failure says which phone and shows its output. */
export async function expectOn(
  p: Softphone,
  pattern: RegExp,
  what: string,
  from = 0,
  ms = 10_000,
): Promise<void> {
  await p.waitFor(pattern, ms, from).catch((err: unknown) => {
    throw new Error(
      `${p.client} ${p.options.extension}/${p.options.transport}: ${what}: ${String(err)}\n${p.tail()}`,
    );
  });
}

const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** A baresip phone: a Softphone that also presses keys in its call. */
export interface BaresipPhone extends Softphone {
  /** Keys sent one after the other as RFC 4733 events in the call's RTP (`/sndcode`). */
  sendDigits(keys: string): void;
}

/** baresip 1.0, headless: stdio commands, aufile audio, RTP statistics printed at hang-up. */
export function startBaresipPhone(o: SoftphoneOptions): BaresipPhone {
  requireBaresip();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-baresip-'));
  const wav = path.join(dir, 'tone.wav');
  writeToneWav(wav);
  const address = o.address ?? '127.0.0.1';
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen ${bracket(address)}:${o.sipPort}`,
      `net_interface ${address}`,
      ...(o.caFile ? [`sip_cafile ${o.caFile}`] : []),
      `rtp_ports ${o.rtpPort}-${o.rtpPort + 9}`,
      'rtp_stats yes',
      `audio_source aufile,${wav}`,
      `audio_player aufile,${path.join(dir, 'out.wav')}`,
      'audio_alert aufile,/dev/null',
      'module_path /usr/lib/baresip/modules',
      'module stdio.so',
      'module g711.so',
      'module aufile.so',
      ...(o.mediaenc ? ['module srtp.so'] : []),
      'module_app account.so',
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  const tp = o.transport === 'udp' ? '' : `;transport=${o.transport}`;
  const params = [
    `auth_pass=${o.password}`,
    `outbound="sip:${bracket(o.proxy.host)}:${o.proxy.port}${tp}"`,
    'regint=600',
    'audio_codecs=PCMU',
    'answermode=auto',
    ...(o.mediaenc ? [`mediaenc=${o.mediaenc}`] : []),
  ];
  fs.writeFileSync(path.join(dir, 'accounts'), `<sip:${o.extension}@${o.domain}${tp}>;${params.join(';')}\n`);
  fs.writeFileSync(path.join(dir, 'contacts'), '');
  const child = spawn(BARESIP, ['-f', dir, ...(address.includes(':') ? ['-6'] : ['-4'])], {
    cwd: dir,
    stdio: 'pipe',
  });
  const p = new Process(child, dir);
  return {
    client: 'baresip',
    options: o,
    dial: (uri) => p.send(`/dial ${uri}`),
    hold: () => p.send('/hold'),
    resume: () => p.send('/resume'),
    hangUp: () => p.send('/hangup'),
    transfer: (uri) => p.send(`/transfer ${uri}`),
    sendDigits: (keys) => p.send(`/sndcode ${keys}`),
    waitFor: (pattern, ms, from) => p.waitFor(pattern, ms, from),
    get outputLength() {
      return p.output.length;
    },
    registered: /useragent registered successfully|\b200 OK \(\) \[1 binding\]/,
    established: /Call established/,
    ended: /terminated \(duration|session closed/,
    rtpCounts: () => baresipRtpCounts(p.output),
    tail: (chars = 3000) => p.output.slice(-chars),
    stop: () => p.stop('/quit'),
  };
}

/** baresip's `rtp_stats` table at hang-up ("audio  Transmit: Receive:" / "packets:  N  N"), last call. */
function baresipRtpCounts(output: string): { sent: number; received: number } | undefined {
  const m = [...output.matchAll(/Transmit:\s+Receive:\s*\npackets:\s+(\d+)\s+(\d+)/g)].at(-1);
  if (!m?.[1] || !m[2]) return undefined;
  return { sent: Number(m[1]), received: Number(m[2]) };
}

/** linphonec 5.1, headless: commands on stdin, WAV file audio, oRTP statistics at hang-up. */
export function startLinphonec(o: SoftphoneOptions): Softphone {
  requireLinphonec();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-linphonec-'));
  // liblinphone does not start its core when it cannot open its database under $HOME.
  fs.mkdirSync(path.join(dir, '.local/share/linphone'), { recursive: true });
  const wav = path.join(dir, 'tone.wav');
  writeToneWav(wav);
  const address = o.address ?? '127.0.0.1';
  const ipv6 = address.includes(':');
  const proxy = `<sip:${bracket(o.proxy.host)}:${o.proxy.port};transport=${o.transport}>`;
  const rc = path.join(dir, 'linphonerc');
  fs.writeFileSync(
    rc,
    [
      '[sip]',
      `sip_port=${o.transport === 'udp' ? o.sipPort : 0}`,
      `sip_tcp_port=${o.transport === 'tcp' ? o.sipPort : 0}`,
      `sip_tls_port=${o.transport === 'tls' ? o.sipPort : 0}`,
      ...(o.caFile ? [`root_ca=${o.caFile}`] : []),
      // liblinphone 5.1 (mbedTLS) refuses our self-signed loopback certificate even as its root_ca.
      'verify_server_certs=0',
      'verify_server_cn=0',
      'ipv6_migration_done=1',
      `use_ipv6=${ipv6 ? 1 : 0}`,
      `bind_address=${address}`,
      'register_only_when_network_is_up=0',
      'guess_hostname=0',
      `contact=sip:${o.extension}@${bracket(address)}`,
      'default_proxy=0',
      'auto_net_state_mon=0',
      '',
      '[net]',
      // Put the loopback address in SDP (it would otherwise pick the host's own address).
      `nat_address=${address}`,
      'firewall_policy=1',
      'dns_srv_enabled=0',
      '',
      '[rtp]',
      `audio_rtp_port=${o.rtpPort}`,
      'audio_adaptive_jitt_comp_enabled=0',
      '',
      '[sound]',
      'echocancellation=0',
      '',
      '[video]',
      'enabled=0',
      'capture=0',
      'display=0',
      '',
      '[proxy_0]',
      `reg_proxy=${proxy}`,
      `reg_route=${proxy}`,
      `reg_identity=sip:${o.extension}@${o.domain}`,
      'reg_expires=600',
      'reg_sendregister=1',
      'publish=0',
      '',
      '[auth_info_0]',
      `username=${o.extension}`,
      `userid=${o.extension}`,
      `passwd=${o.password}`,
      `realm=${o.domain}`,
      '',
    ].join('\n'),
  );
  const child = spawn(LINPHONEC, ['-c', rc, '-d', '5', '-a'], {
    cwd: dir,
    env: { ...process.env, HOME: dir },
    stdio: 'pipe',
  });
  const p = new Process(child, dir);
  p.send('soundcard use files');
  p.send(`play ${wav}`);
  return {
    client: 'linphonec',
    options: o,
    dial: (uri) => p.send(`call ${uri}`),
    hold: () => p.send('pause'),
    resume: () => p.send('resume'),
    hangUp: () => p.send('terminate'),
    transfer: (uri) => p.send(`transfer ${uri}`),
    waitFor: (pattern, ms, from) => p.waitFor(pattern, ms, from),
    get outputLength() {
      return p.output.length;
    },
    registered: /to \[LinphoneRegistrationOk\]/,
    established: /to LinphoneCallStreamsRunning/,
    ended: /to LinphoneCallReleased/,
    rtpCounts: () => linphoneRtpCounts(p.output),
    tail: (chars = 3000) =>
      p.output
        .split('\n')
        .filter((l) => !/mediastreamer-|bctbx-|ortp-message- {2,}/.test(l))
        .join('\n')
        .slice(-chars),
    stop: () => p.stop('quit'),
  };
}

/** oRTP's "AUDIO SESSION'S RTP STATISTICS" block, printed when the stream stops (last one). */
function linphoneRtpCounts(output: string): { sent: number; received: number } | undefined {
  const sent = [...output.matchAll(/ortp-message-sent\s+(\d+) packets/g)].at(-1);
  const received = [...output.matchAll(/ortp-message-received\s+(\d+) packets/g)].at(-1);
  if (!sent?.[1] || !received?.[1]) return undefined;
  return { sent: Number(sent[1]), received: Number(received[1]) };
}
