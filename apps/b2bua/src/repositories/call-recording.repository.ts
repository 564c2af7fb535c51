import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import { PRISMA } from '../tokens.js';

export interface StoredRecording {
  readonly callId: string;
  /** The WAV, relative to the data directory. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly durationMs: number;
  readonly subjects: readonly string[];
  readonly announced: boolean;
  readonly startedAt: Date;
}

@Injectable()
export class CallRecordingRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Idempotent (a retried job writes the same row). Fails while the call record is not written yet. */
  async save(r: StoredRecording): Promise<void> {
    const data = {
      path: r.path,
      sizeBytes: r.sizeBytes,
      durationMs: r.durationMs,
      reasons: [...r.subjects],
      announced: r.announced,
      startedAt: r.startedAt,
    };
    await this.prisma.callRecording.upsert({
      where: { callId: r.callId },
      create: { callId: r.callId, ...data },
      update: data,
    });
  }

  /**
   * Retention, then the total size cap: recordings made before `now - retentionDays` go, then the
   * oldest beyond `maxTotalBytes` (newest kept first). Returns the removed rows' file paths.
   */
  async prune(now: Date, retentionDays: number, maxTotalBytes: number): Promise<string[]> {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    const old = await this.prisma.$queryRaw<{ path: string }[]>`
      DELETE FROM call_recordings WHERE created_at < ${cutoff} RETURNING path`;
    const over = await this.prisma.$queryRaw<{ path: string }[]>`
      DELETE FROM call_recordings WHERE call_id IN (
        SELECT call_id FROM (
          SELECT call_id, SUM(size_bytes) OVER (ORDER BY created_at DESC, call_id) AS running
          FROM call_recordings
        ) ranked WHERE running > ${maxTotalBytes}::bigint
      ) RETURNING path`;
    return [...old, ...over].map((r) => r.path);
  }
}
