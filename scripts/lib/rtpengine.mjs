// rtpengine (Debian rtpengine-daemon), the media relay, started like PostgreSQL and Redis: bound to
// the configured addresses, in userspace mode (no kernel module), its log beside the other services'.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { SetupError, log, sleep, which } from './util.mjs';

export const RTPENGINE_PACKAGE = { 'rtpengine-daemon': 'rtpengine' };

/** The rtpengine settings from the environment, with the config module's defaults. */
export function rtpengineSettings(env = process.env) {
  const get = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : env[name]);
  return {
    mode: get('SWITCHBOARD_MEDIA_MODE', 'relay'),
    address: get('SWITCHBOARD_RTPENGINE_ADDRESS', '127.0.0.1'),
    ngPort: Number(get('SWITCHBOARD_RTPENGINE_NG_PORT', '2223')),
    internal: get('SWITCHBOARD_RTPENGINE_INTERNAL_ADDRESS', undefined),
    external: get('SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS', undefined),
    portMin: Number(get('SWITCHBOARD_RTPENGINE_PORT_MIN', '30000')),
    portMax: Number(get('SWITCHBOARD_RTPENGINE_PORT_MAX', '39999')),
    recordingDir: get('SWITCHBOARD_RTPENGINE_RECORDING_DIR', undefined),
    dtmfAddress: get('SWITCHBOARD_RTPENGINE_DTMF_ADDRESS', '127.0.0.1'),
    dtmfPort: Number(get('SWITCHBOARD_RTPENGINE_DTMF_PORT', '2224')),
  };
}

/** rtpengine's command line: interfaces named `internal` / `external` as the B2BUA's offers ask. */
export function rtpengineArgs(s, fallbackAddress) {
  const internal = s.internal ?? fallbackAddress;
  // --config-file=none: not the Debian package's /etc/rtpengine/rtpengine.conf (interface=any, fixed CLI/HTTP ports).
  const args = [
    '--config-file=none',
    '--foreground',
    '--table=-1',
    '--log-stderr',
    `--interface=internal/${internal}`,
  ];
  if (s.external) args.push(`--interface=external/${s.external}`);
  args.push(`--listen-ng=${s.address}:${s.ngPort}`, `--port-min=${s.portMin}`, `--port-max=${s.portMax}`);
  // Call recording: a pcap per recorded call, turned into a WAV by the routing worker.
  if (s.recordingDir)
    args.push(`--recording-dir=${s.recordingDir}`, '--recording-method=pcap', '--recording-format=raw');
  // In-call feature codes: a JSON datagram per RFC 4733 key to the signalling process (0 = off).
  if (s.dtmfPort) args.push(`--dtmf-log-dest=${s.dtmfAddress}:${s.dtmfPort}`);
  return args;
}

/** Sends ng `ping` until rtpengine answers `pong`. */
export async function waitForRtpengine(address, port, attempts = 50) {
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  try {
    let ponged = false;
    socket.on('message', (msg) => {
      if (msg.toString('latin1').endsWith('d6:result4:ponge')) ponged = true;
    });
    socket.on('error', () => undefined);
    for (let i = 0; i < attempts && !ponged; i++) {
      socket.send(`ready${i} d7:command4:pinge`, port, address);
      await sleep(200);
    }
    if (!ponged) throw new SetupError(`rtpengine did not answer ng ping on ${address}:${port}`);
  } finally {
    socket.close();
  }
}

export async function startRtpengine({ dataDir, settings, fallbackAddress }) {
  const bin = which('rtpengine') ?? (fs.existsSync('/usr/bin/rtpengine') ? '/usr/bin/rtpengine' : null);
  if (!bin) {
    throw new SetupError(
      'rtpengine not found (Debian package rtpengine-daemon); install it, or set SWITCHBOARD_MEDIA_MODE=direct ' +
        'to run without media anchoring (phones behind NAT then get no audio)',
    );
  }
  const pidFile = path.join(dataDir, 'rtpengine.pid');
  stopRtpengineByPidFile(pidFile);
  const logFd = fs.openSync(path.join(dataDir, 'rtpengine.log'), 'a');
  // Where the PBX looks for them (SWITCHBOARD_RTPENGINE_RECORDING_DIR, by default under the app's data directory).
  const recordingDir = settings.recordingDir ?? path.join(dataDir, 'app', 'recordings', 'spool');
  fs.mkdirSync(recordingDir, { recursive: true });
  const args = rtpengineArgs({ ...settings, recordingDir }, fallbackAddress);
  log(
    `starting rtpengine: ng on ${settings.address}:${settings.ngPort}, media ports ${settings.portMin}-${settings.portMax}`,
  );
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  let exited = null;
  child.once('exit', (code, signal) => (exited = code ?? signal));
  try {
    await waitForRtpengine(settings.address, settings.ngPort);
  } catch (err) {
    stopRtpengineByPidFile(pidFile);
    const why =
      exited === null ? '' : ` (it exited with ${exited}; see ${path.join(dataDir, 'rtpengine.log')})`;
    throw new SetupError(`${err.message}${why}`);
  }
  return {
    stop: () => {
      log('stopping rtpengine');
      stopRtpengineByPidFile(pidFile);
    },
  };
}

function stopRtpengineByPidFile(pidFile) {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // not running
  }
}
