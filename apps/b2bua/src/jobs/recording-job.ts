import { z } from 'zod';

export const RECORDINGS_QUEUE = 'recordings';

const port = z.number().int().min(1).max(65535);

/**
 * A recorded call that ended: a worker finds rtpengine's pcap of it, makes the stereo WAV and
 * stores the row (idempotent on `callId`, the call record's id and rtpengine's call-id).
 */
export const recordingJobSchema = z.object({
  callId: z.string().min(1).max(255),
  /** Why it was recorded (`extension:201`, `ring-group:600`, `trunk:…`). */
  subjects: z.array(z.string().max(80)).min(1).max(16),
  announced: z.boolean(),
  startedAt: z.iso.datetime(),
  /** rtpengine's ports the caller's RTP arrives at (the left channel). */
  callerPorts: z.array(port).max(64),
  /** rtpengine's ports the answering callee's RTP arrives at (the right channel). */
  calleePorts: z.array(port).max(64),
});
export type RecordingJob = z.infer<typeof recordingJobSchema>;

export function recordingJobId(callId: string): string {
  return `rec-${Buffer.from(callId).toString('base64url')}`;
}
