import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readPcapDatagrams, type CapturedDatagram } from '@switchboard/media';

/**
 * A packet capture on the loopback interface with Wireshark's `dumpcap` (Debian `tshark` brings it;
 * needs root or CAP_NET_RAW), for checking the RTP the PBX sends to a phone that cannot report it
 * (sipp playing a pcap). Classic pcap format (`-P`), read with the media package's reader.
 */
export class LoopbackCapture {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly file: string,
  ) {}

  /** Starts capturing what matches the BPF `filter`; resolves once dumpcap says it captures. */
  static async start(filter: string): Promise<LoopbackCapture> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-capture-'));
    const file = path.join(dir, 'capture.pcap');
    const child = spawn('dumpcap', ['-i', 'lo', '-f', filter, '-P', '-w', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`dumpcap did not start: ${log}`)), 10_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (log.includes('Capturing on')) {
          clearTimeout(guard);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(guard);
        reject(new Error(`dumpcap exited ${String(code)}: ${log}`));
      });
    });
    child.removeAllListeners('exit');
    return new LoopbackCapture(child, dir, file);
  }

  /**
   * The UDP datagrams captured so far (the capture goes on): for waiting until a packet count is
   * reached. A record still being written is left out.
   */
  datagrams(): CapturedDatagram[] {
    const bytes = fs.existsSync(this.file) ? fs.readFileSync(this.file) : Buffer.alloc(0);
    return bytes.length < 24 ? [] : [...readPcapDatagrams(bytes)];
  }

  /** Stops the capture and returns every UDP datagram it holds. */
  async stop(): Promise<CapturedDatagram[]> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    try {
      return [...readPcapDatagrams(fs.readFileSync(this.file))];
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
