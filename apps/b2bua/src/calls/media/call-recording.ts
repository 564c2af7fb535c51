import type { Logger } from '@switchboard/config';
import type { NgClient } from '@switchboard/rtpengine';
import type { RecordingJob } from '../../jobs/recording-job.js';

/** What recording needs from the signalling process (absent: calls are never recorded). */
export interface RecordingDeps {
  /** The WAV both parties hear when recording starts (absent: no announcement). */
  readonly announcementFile?: string;
  readonly publish: (job: RecordingJob) => Promise<void>;
  /** Unix ms now. */
  readonly wallNow: () => number;
}

/** rtpengine's audio ports in an SDP body it wrote: where the party it is sent to sends its RTP. */
export function audioPortsOf(sdp: string): number[] {
  return [...sdp.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1])).filter((p) => p > 0);
}

/**
 * The recording of one relayed call in rtpengine (issue #24): the ports each party's RTP reaches
 * (learnt from the SDP rtpengine wrote for it), `start recording` once the call is answered by a
 * party that records, the announcement played to both, and after rtpengine deleted the call (its
 * pcap then complete) the job that makes the WAV. Every failure is logged with the call id; none
 * ends the call.
 */
export class CallRecording {
  private readonly ports = new Map<string, Set<number>>();
  private started: { subjects: string[]; branch: string; announced: boolean; at: number } | undefined;

  constructor(
    private readonly deps: RecordingDeps,
    private readonly client: NgClient,
    private readonly callId: string,
    private readonly logger: Logger,
  ) {}

  /** rtpengine's SDP for `party` (`caller` or a branch): the ports it sends to. */
  sdpFor(party: string, sdp: string): void {
    let set = this.ports.get(party);
    if (!set) this.ports.set(party, (set = new Set()));
    for (const port of audioPortsOf(sdp)) set.add(port);
  }

  /** Starts recording the answered call (callee = `branch`), then plays the announcement to both. */
  async start(subjects: string[], branch: string): Promise<void> {
    if (this.started) return;
    const at = this.deps.wallNow();
    await this.client.startRecording(this.callId);
    this.started = { subjects, branch, announced: false, at };
    this.logger.info({ call: this.callId, subjects }, 'call recording started');
    const file = this.deps.announcementFile;
    if (!file) return;
    try {
      await Promise.all(
        ['caller', branch].map((fromTag) => this.client.playMedia({ callId: this.callId, fromTag, file })),
      );
      this.started.announced = true;
    } catch (err) {
      this.logger.warn({ err, call: this.callId, file }, 'recording announcement not played');
    }
  }

  /** rtpengine deleted the call: its pcap is complete and a worker makes the WAV. */
  finished(): void {
    const started = this.started;
    if (!started) return;
    const job: RecordingJob = {
      callId: this.callId,
      subjects: started.subjects,
      announced: started.announced,
      startedAt: new Date(started.at).toISOString(),
      callerPorts: [...(this.ports.get('caller') ?? [])],
      calleePorts: [...(this.ports.get(started.branch) ?? [])],
    };
    this.deps
      .publish(job)
      .catch((err: unknown) => this.logger.error({ err, call: this.callId }, 'recording job not queued'));
  }
}
