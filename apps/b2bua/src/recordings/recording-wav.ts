import { decodeRecordedCall, readPcapDatagrams, writePcm16TracksWav } from '@switchboard/media';

export interface RecordingWav {
  readonly wav: Uint8Array;
  readonly durationMs: number;
  /** G.711 packets placed per channel (caller, callee). */
  readonly packets: readonly number[];
}

/**
 * rtpengine's pcap of a call as a stereo WAV: the caller's RTP (what reached rtpengine's ports in
 * `callerPorts`) left, the callee's right, 16-bit PCM at 8 kHz (plays in every browser).
 */
export function recordingWavFromPcap(
  pcap: Uint8Array,
  callerPorts: readonly number[],
  calleePorts: readonly number[],
  maxSeconds: number,
): RecordingWav {
  const caller = new Set(callerPorts);
  const callee = new Set(calleePorts);
  const audio = decodeRecordedCall(readPcapDatagrams(pcap), {
    channelCount: 2,
    channelOf: (d) => (caller.has(d.destination.port) ? 0 : callee.has(d.destination.port) ? 1 : undefined),
    maxSeconds,
  });
  return {
    wav: writePcm16TracksWav({ sampleRate: audio.sampleRate, tracks: audio.channels }),
    durationMs: Math.round(((audio.channels[0]?.length ?? 0) * 1000) / audio.sampleRate),
    packets: audio.packets,
  };
}
