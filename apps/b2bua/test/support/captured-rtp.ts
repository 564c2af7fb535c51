import { decodeRtpPacket, type CapturedDatagram } from '@switchboard/media';

/** A captured datagram read as RTP. */
export interface RtpSeen {
  readonly d: CapturedDatagram;
  readonly p: ReturnType<typeof decodeRtpPacket>;
}

/** The RTP packets of a loopback capture (RTCP and anything else left out). */
export function rtpOf(datagrams: readonly CapturedDatagram[]): RtpSeen[] {
  return datagrams.flatMap((d) => {
    try {
      return [{ d, p: decodeRtpPacket(d.payload) }];
    } catch {
      return []; // RTCP or not RTP
    }
  });
}
