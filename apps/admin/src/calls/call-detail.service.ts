import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import {
  callTraceSchema,
  ladderOf,
  ladderText as renderLadderText,
  tracePcap,
  traceText,
  type CallTrace,
  type Ladder,
} from '@switchboard/sip-trace';
import { z } from 'zod';
import { notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { ADMIN_OPTIONS, PRISMA } from '../common/tokens.js';
import type { AdminOptions } from '../common/admin-options.js';
import { toCallRecordView, type CallRecordView } from './call-history.service.js';

/** One leg tried, as the B2BUA recorded it (call_records.legs). */
const legSchema = z.object({
  target: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  status: z.number().optional(),
  answered: z.boolean(),
  sipCallId: z.string().optional(),
});
export type CallLegView = z.infer<typeof legSchema>;

export interface CallDetailView extends CallRecordView {
  sipCallId: string | null;
  pluginId: string | null;
  legs: CallLegView[];
  /** Summary of the stored SIP trace; null when none was kept (capture off, pruned, or not yet written). */
  trace: { sipCallIds: string[]; messages: number; dropped: number } | null;
  /** The call's recording (audio at `/api/calls/{id}/recording.wav`); null when not recorded or pruned. */
  recording: {
    durationMs: number;
    sizeBytes: number;
    reasons: string[];
    announced: boolean;
    startedAt: string;
  } | null;
}

/** The ladder of a call and every message's full text (the page shows one on click). */
export interface CallTraceView extends Ladder {
  sipCallIds: string[];
  dropped: number;
  messages: { t: number; dir: 'in' | 'out'; proto: string; local: string; remote: string; text: string }[];
}

const addr = (e: { host: string; port: number }): string =>
  e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;

/** A call record with its legs and its stored SIP trace (ladder, text, pcap). */
@Injectable()
export class CallDetailService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'dataDir'>,
  ) {}

  async detail(id: string): Promise<CallDetailView> {
    const [row, trace, recording] = await Promise.all([
      this.prisma.callRecord.findUnique({ where: { id } }),
      this.prisma.callTrace.findUnique({
        where: { callId: id },
        select: { sipCallIds: true, dropped: true, entries: true },
      }),
      this.prisma.callRecording.findUnique({ where: { callId: id } }),
    ]);
    if (!row) throw notFound(`call ${id}`);
    const legs = z.array(legSchema).safeParse(row.legs);
    return {
      ...toCallRecordView(row),
      sipCallId: row.sipCallId,
      pluginId: row.pluginId,
      legs: legs.success ? legs.data : [],
      trace: trace
        ? {
            sipCallIds: trace.sipCallIds,
            messages: Array.isArray(trace.entries) ? trace.entries.length : 0,
            dropped: trace.dropped,
          }
        : null,
      recording: recording
        ? {
            durationMs: recording.durationMs,
            sizeBytes: recording.sizeBytes,
            reasons: recording.reasons,
            announced: recording.announced,
            startedAt: recording.startedAt.toISOString(),
          }
        : null,
    };
  }

  /** The recording's WAV (a path inside the data directory only). */
  async recordingAudio(id: string): Promise<{ stream: ReadStream; size: number }> {
    const row = await this.prisma.callRecording.findUnique({ where: { callId: id } });
    const root = path.resolve(this.options.dataDir);
    const file = row ? path.resolve(root, row.path) : undefined;
    const inside = file?.startsWith(root + path.sep) ? file : undefined;
    const info = inside ? await stat(inside).catch(() => null) : null;
    if (!inside || !info?.isFile()) throw notFound(`recording of call ${id}`);
    return { stream: createReadStream(inside), size: info.size };
  }

  async trace(id: string): Promise<CallTraceView> {
    const trace = await this.stored(id);
    return {
      ...ladderOf(trace),
      sipCallIds: trace.sipCallIds,
      dropped: trace.dropped,
      messages: trace.entries.map((e) => ({
        t: e.t,
        dir: e.dir,
        proto: e.proto,
        local: addr(e.local),
        remote: addr(e.remote),
        text: e.msg,
      })),
    };
  }

  /** The ladder drawn in text for a terminal (`switchboard trace`). */
  async ladderText(id: string): Promise<string> {
    return renderLadderText(ladderOf(await this.stored(id)));
  }

  async text(id: string): Promise<string> {
    return traceText(await this.stored(id), `Switchboard call ${id}`);
  }

  async pcap(id: string): Promise<Buffer> {
    return tracePcap((await this.stored(id)).entries);
  }

  private async stored(id: string): Promise<CallTrace> {
    const row = await this.prisma.callTrace.findUnique({ where: { callId: id } });
    if (!row) throw notFound(`SIP trace of call ${id}`);
    const parsed = callTraceSchema.safeParse({
      sipCallIds: row.sipCallIds,
      entries: row.entries,
      dropped: row.dropped,
    });
    if (!parsed.success) throw notFound(`readable SIP trace of call ${id}`);
    return parsed.data;
  }
}
