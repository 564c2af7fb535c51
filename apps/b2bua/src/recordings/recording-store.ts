import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@switchboard/config';
import type { RecordingJob } from '../jobs/recording-job.js';
import type { CallRecordingRepository } from '../repositories/call-recording.repository.js';
import { recordingWavFromPcap } from './recording-wav.js';

export interface RecordingStoreOptions {
  /** rtpengine's --recording-dir: `pcaps/<call-id>-<random>.pcap`, `metadata/rtpengine-meta-<call-id>-<random>.txt`. */
  readonly spoolDir: string;
  /** The data directory: WAVs go to `recordings/<yyyy-mm-dd>/<call-id>.wav` under it. */
  readonly dataDir: string;
  readonly retentionDays: number;
  readonly maxTotalBytes: number;
  /** Longest audio kept per call. */
  readonly maxSeconds: number;
  /** A pcap whose metadata rtpengine never finished (it was killed) is used as is after this. */
  readonly incompleteAfterMs: number;
}

/** Not yet: the job is retried later (BullMQ backoff). */
export class RecordingNotReady extends Error {}

/**
 * The worker side of call recording: rtpengine's pcap of an ended call becomes a stereo WAV in the
 * data directory and a `call_recordings` row; the pcap is then removed. Retention removes rows and
 * files together.
 */
export class RecordingStore {
  constructor(
    private readonly options: RecordingStoreOptions,
    private readonly repository: CallRecordingRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Converts and stores one recording. `ageMs`: how long ago the call ended. Throws
   * RecordingNotReady while rtpengine still writes the pcap (it moves the call's metadata file into
   * `metadata/` once the call is deleted) or the call record is not in the database yet.
   */
  async store(job: RecordingJob, ageMs: number): Promise<{ path: string; durationMs: number } | undefined> {
    const spool = await this.spoolFiles(job.callId);
    if (!spool.pcap) {
      if (ageMs < this.options.incompleteAfterMs) throw new RecordingNotReady('no pcap from rtpengine yet');
      this.logger.error(
        { call: job.callId, spool: this.options.spoolDir },
        'recorded call has no pcap: no recording',
      );
      return undefined;
    }
    if (!spool.metadata && ageMs < this.options.incompleteAfterMs)
      throw new RecordingNotReady('rtpengine still writes the pcap');
    const pcap = await fs.readFile(spool.pcap);
    const { wav, durationMs, packets } = recordingWavFromPcap(
      pcap,
      job.callerPorts,
      job.calleePorts,
      this.options.maxSeconds,
    );
    const day = job.startedAt.slice(0, 10);
    const relative = path.join('recordings', day, `${safeName(job.callId)}.wav`);
    const file = path.join(this.options.dataDir, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(`${file}.tmp`, wav);
    await fs.rename(`${file}.tmp`, file);
    await this.repository.save({
      callId: job.callId,
      path: relative,
      sizeBytes: wav.length,
      durationMs,
      subjects: job.subjects,
      announced: job.announced,
      startedAt: new Date(job.startedAt),
    });
    for (const f of [spool.pcap, spool.metadata]) if (f) await fs.rm(f, { force: true });
    this.logger.info({ call: job.callId, durationMs, packets, path: relative }, 'call recording stored');
    return { path: relative, durationMs };
  }

  /** Retention and the size cap at `now`: rows and their WAVs, and spool files older than the retention. */
  async prune(now: Date): Promise<number> {
    const { retentionDays, maxTotalBytes, dataDir, spoolDir } = this.options;
    const removed = await this.repository.prune(now, retentionDays, maxTotalBytes);
    for (const relative of removed) await fs.rm(path.join(dataDir, relative), { force: true });
    const cutoff = now.getTime() - retentionDays * 86_400_000;
    for (const dir of ['pcaps', 'metadata'].map((d) => path.join(spoolDir, d))) {
      for (const name of await fs.readdir(dir).catch(() => [])) {
        const file = path.join(dir, name);
        const info = await fs.stat(file).catch(() => undefined);
        if (info?.isFile() && info.mtimeMs < cutoff) await fs.rm(file, { force: true });
      }
    }
    return removed.length;
  }

  private async spoolFiles(callId: string): Promise<{ pcap?: string; metadata?: string }> {
    const { spoolDir } = this.options;
    const find = async (dir: string, prefix: string, suffix: string): Promise<string | undefined> => {
      const names = await fs.readdir(path.join(spoolDir, dir)).catch(() => []);
      const name = names.find(
        (n) =>
          n.startsWith(prefix) &&
          n.endsWith(suffix) &&
          /^[0-9a-f]+$/.test(n.slice(prefix.length, -suffix.length)),
      );
      return name ? path.join(spoolDir, dir, name) : undefined;
    };
    const pcap = await find('pcaps', `${callId}-`, '.pcap');
    const metadata = await find('metadata', `rtpengine-meta-${callId}-`, '.txt');
    return { ...(pcap ? { pcap } : {}), ...(metadata ? { metadata } : {}) };
  }
}

/** Call ids are UUIDs; anything else is made safe for a file name. */
function safeName(callId: string): string {
  return callId.replace(/[^A-Za-z0-9._-]/g, '_');
}
