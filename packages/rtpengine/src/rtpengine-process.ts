import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { SystemClock } from '@switchboard/clock';
import { NgClient } from './ng-client.js';

export interface RtpengineProcessOptions {
  /** Media interfaces: `IP`, `NAME/IP` or `NAME/IP!ADVERTISED` (rtpengine --interface). */
  readonly interfaces: readonly string[];
  readonly ngAddress?: string;
  /** A fixed ng port (e.g. to restart rtpengine where a B2BUA expects it); default: a free one. */
  readonly ngPort?: number;
  readonly portMin: number;
  readonly portMax: number;
  /** Seconds without RTP before rtpengine ends a call (its --timeout); 0 = its default. */
  readonly mediaTimeoutSeconds?: number;
  /** Record calls asked to be (`start recording`) as pcap files here (--recording-method=pcap). */
  readonly recordingDir?: string;
  /** `IP:PORT` that gets a JSON datagram per RFC 4733 event rtpengine relays (--dtmf-log-dest). */
  readonly dtmfLogDest?: string;
  readonly binary?: string;
  /** Run inside a network namespace (`ip netns exec NAME`). */
  readonly netns?: string;
}

export interface RtpengineProcess {
  readonly address: string;
  readonly ngPort: number;
  /** Its process id (CPU figures from /proc in benches). */
  readonly pid: number | undefined;
  /** Everything rtpengine logged (stderr), for assertions and failure reports. */
  log(): string;
  stop(): Promise<void>;
}

export const RTPENGINE_BINARY = '/usr/bin/rtpengine';

export function rtpengineInstalled(binary = RTPENGINE_BINARY): boolean {
  try {
    fs.accessSync(binary, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts an rtpengine of its own (userspace forwarding, no kernel table) on a free ng port and waits
 * until it answers `ping`. For tests and benches; production runs it as a service (scripts/, compose).
 */
export async function startRtpengine(options: RtpengineProcessOptions): Promise<RtpengineProcess> {
  const address = options.ngAddress ?? '127.0.0.1';
  const ngPort = options.ngPort ?? (await freeUdpPort(options.netns ? undefined : address));
  const args = [
    // Not the Debian package's /etc/rtpengine/rtpengine.conf (interface=any, fixed CLI/HTTP ports).
    '--config-file=none',
    '--foreground',
    '--table=-1',
    '--log-stderr',
    ...options.interfaces.map((i) => `--interface=${i}`),
    `--listen-ng=${address}:${ngPort}`,
    `--port-min=${options.portMin}`,
    `--port-max=${options.portMax}`,
    ...(options.mediaTimeoutSeconds ? [`--timeout=${options.mediaTimeoutSeconds}`] : []),
    ...(options.recordingDir
      ? [`--recording-dir=${options.recordingDir}`, '--recording-method=pcap', '--recording-format=raw']
      : []),
    ...(options.dtmfLogDest ? [`--dtmf-log-dest=${options.dtmfLogDest}`] : []),
  ];
  const binary = options.binary ?? RTPENGINE_BINARY;
  const child: ChildProcess = options.netns
    ? spawn('ip', ['netns', 'exec', options.netns, binary, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  if (!options.netns) {
    const client = new NgClient({ address, port: ngPort, clock: new SystemClock(), timeoutMs: 200 });
    try {
      await waitUntilReady(client, () => child.exitCode !== null);
    } catch (err) {
      await stop();
      throw new Error(`rtpengine did not start: ${err instanceof Error ? err.message : String(err)}\n${log}`);
    } finally {
      client.close();
    }
  }
  return { address, ngPort, pid: child.pid, log: () => log, stop };
}

async function waitUntilReady(client: NgClient, hasExited: () => boolean): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 50 && !hasExited(); i++) {
    try {
      await client.ping();
      return;
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof Error ? last : new Error(hasExited() ? 'it exited' : 'no pong');
}

async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
