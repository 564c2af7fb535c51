import { ulawDecode } from '@switchboard/media';
import { expect } from 'vitest';
import type { RtpSeen } from './captured-rtp.js';

export { rtpOf } from './captured-rtp.js';

/**
 * The PBX's side of captured RTP: what each phone (told apart by its RTP's SSRC) sent to one of the
 * PBX's media ports (SWITCHBOARD_RTP_PORT_MIN..MAX), and the audio the PBX sent back from that port.
 */
export class PbxRtp {
  constructor(
    private readonly rtp: readonly RtpSeen[],
    private readonly range: { readonly min: number; readonly max: number },
  ) {}

  /** What the phone whose RTP carries `ssrc` sent to the PBX (capture order). */
  sentBy(ssrc: number): RtpSeen[] {
    const { min, max } = this.range;
    return this.rtp.filter(
      ({ d, p }) => p.ssrc === ssrc && d.destination.port >= min && d.destination.port <= max,
    );
  }

  /**
   * The PCMU audio the PBX sent to the phone whose RTP carries `ssrc` (from the port that phone
   * sent to), between capture times `fromMs` and `toMs`.
   */
  audioSentTo(ssrc: number, fromMs = 0, toMs = Infinity): Int16Array {
    const pbxPort = this.sentBy(ssrc)[0]?.d.destination.port;
    expect(pbxPort, `the PBX received RTP with SSRC ${ssrc.toString(16)}`).toBeDefined();
    const sent = this.rtp.filter(
      ({ d, p }) => d.source.port === pbxPort && p.payloadType === 0 && d.timeMs >= fromMs && d.timeMs < toMs,
    );
    const out = new Int16Array(sent.length * 160);
    sent.forEach(({ p }, i) => out.set(ulawDecode(p.payload).subarray(0, 160), i * 160));
    return out;
  }
}
