export { type Clock, type TimerHandle, SystemClock } from './clock.js';
export {
  MediaError,
  RtpError,
  RtcpError,
  DtmfError,
  PcapError,
  WavError,
  PortAllocationError,
  SessionError,
  ConferenceError,
  type MediaErrorCode,
} from './errors.js';

export {
  decodeRtpPacket,
  encodeRtpPacket,
  isRtcpPacket,
  type RtpPacket,
  type RtpPacketInit,
  type RtpHeaderExtension,
} from './rtp/rtp-packet.js';
export { RTP_SEQ_MOD, sequenceDelta, extendSequence } from './rtp/sequence-number.js';
export {
  SourceStatistics,
  type SourceStatisticsOptions,
  type SequenceVerdict,
} from './rtp/source-statistics.js';
export {
  JitterBuffer,
  type JitterBufferOptions,
  type JitterBufferStats,
  type JitterPushResult,
} from './rtp/jitter-buffer.js';
export { PacedSender, type PacedSenderOptions } from './rtp/paced-sender.js';
export { RtpReceiver, type RtpReceiverOptions, type ReceiveVerdict } from './rtp/rtp-receiver.js';

export {
  decodeRtcpCompound,
  encodeRtcpCompound,
  RTCP_SR,
  RTCP_RR,
  RTCP_SDES,
  RTCP_BYE,
  SDES_CNAME,
  type RtcpPacket,
  type SenderReport,
  type ReceiverReport,
  type SourceDescription,
  type Goodbye,
  type UnknownRtcpPacket,
  type ReportBlock,
  type SenderInfo,
  type SdesItem,
  type RtcpDecodeOptions,
} from './rtcp/rtcp-packet.js';
export { ntpFromUnixMs, ntpMiddle32, type NtpTimestamp } from './rtcp/ntp-time.js';

export { ulawEncode, ulawDecode, ulawEncodeSample, ulawDecodeSample } from './codec/g711-ulaw.js';
export { alawEncode, alawDecode, alawEncodeSample, alawDecodeSample } from './codec/g711-alaw.js';
export {
  g711Encode,
  g711Decode,
  g711LawOfPayloadType,
  G711_PAYLOAD_TYPE,
  G711_CLOCK_RATE,
  G711_FRAME_SAMPLES,
  type G711Law,
} from './codec/g711.js';

export {
  decodeTelephoneEvents,
  encodeTelephoneEvents,
  dtmfEventCode,
  dtmfDigit,
  type TelephoneEvent,
} from './dtmf/telephone-event.js';
export { DtmfReceiver, type DtmfDigitEvent } from './dtmf/dtmf-receiver.js';
export {
  planDtmfDigit,
  dtmfDigitPackets,
  type DtmfDigitOptions,
  type DtmfPacketPlan,
} from './dtmf/dtmf-sender.js';

export {
  readWav,
  writeWav,
  wavSamples,
  pcm16Bytes,
  wavDurationMs,
  type WavAudio,
  type WavEncoding,
} from './wav/wav-file.js';
export { writePcm16TracksWav, readPcm16TracksWav, type Pcm16Tracks } from './wav/pcm16-tracks.js';
export { telephonyWav, type TelephonyWav } from './wav/telephony-wav.js';
export { generateTone, beep, silence, joinAudio, type ToneOptions } from './audio/tone.js';
export { toneAmplitude } from './audio/goertzel.js';
export { readPcapDatagrams, type CapturedDatagram } from './recording/pcap-reader.js';
export {
  decodeRecordedCall,
  type ChannelOf,
  type RecordedCallAudio,
  type RecordedCallAudioOptions,
} from './recording/recorded-call-audio.js';

export { RtpPortAllocator, type RtpPortRange, type RtpPortPair } from './net/rtp-port-allocator.js';
export {
  RtpSession,
  type RtpSessionOptions,
  type RtpSessionEvents,
  type RtpSessionStats,
  type RemoteEndpoint,
} from './net/rtp-session.js';
export { resample, type ResampleOptions } from './audio/resample.js';
export {
  DEFAULT_PROMPTS,
  defaultPromptPath,
  numberPrompts,
  messageCountPrompts,
  type PromptId,
} from './audio/default-prompts.js';
export {
  ConferenceMixer,
  CONFERENCE_MAX_PARTICIPANTS,
  type ConferenceMixerOptions,
  type ConferenceParticipantOptions,
  type ConferenceMixerStats,
} from './conference/conference-mixer.js';
export {
  ParticipantJitterBuffer,
  type ParticipantJitterBufferOptions,
  type ParticipantJitterBufferStats,
} from './conference/participant-jitter-buffer.js';
export { ConferenceKeypad, type ConferenceKeyAction } from './conference/conference-keypad.js';
export {
  conferenceJoinTone,
  conferenceLeaveTone,
  conferenceMuteTone,
} from './conference/conference-tones.js';
export { saturate16, mixMinus } from './conference/saturating-mix.js';
export { musicTrackFromWav } from './music/music-track.js';
export { MusicPlaylist, type MusicPlaylistOptions } from './music/music-playlist.js';
export { MusicPlayer, type MusicPlayerOptions } from './music/music-player.js';
export { defaultMusicPath, composeDefaultMusic } from './music/default-music.js';
