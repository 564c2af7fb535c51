/** Every error this package throws on bad input carries a stable `code` callers can switch on. */
export type MediaErrorCode =
  | 'PCAP_BAD_FILE'
  | 'RTP_TOO_SHORT'
  | 'RTP_BAD_VERSION'
  | 'RTP_BAD_PADDING'
  | 'RTP_BAD_EXTENSION'
  | 'RTP_BAD_PAYLOAD_TYPE'
  | 'RTP_BAD_FIELD'
  | 'RTCP_TOO_SHORT'
  | 'RTCP_BAD_VERSION'
  | 'RTCP_BAD_LENGTH'
  | 'RTCP_BAD_PADDING'
  | 'RTCP_NOT_COMPOUND'
  | 'RTCP_BAD_FIELD'
  | 'DTMF_BAD_PAYLOAD'
  | 'DTMF_BAD_DIGIT'
  | 'WAV_NOT_RIFF'
  | 'WAV_NOT_WAVE'
  | 'WAV_TRUNCATED'
  | 'WAV_NO_FMT'
  | 'WAV_NO_DATA'
  | 'WAV_UNSUPPORTED'
  | 'WAV_BAD_FMT'
  | 'WAV_BAD_INPUT'
  | 'PORT_RANGE_INVALID'
  | 'PORT_RANGE_EXHAUSTED'
  | 'PORT_NOT_ALLOCATED'
  | 'SESSION_STATE'
  | 'CONFERENCE_FULL'
  | 'CONFERENCE_DUPLICATE'
  | 'CONFERENCE_UNKNOWN_PARTICIPANT'
  | 'CONFERENCE_BAD_OPTION';

export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class RtpError extends MediaError {}
export class RtcpError extends MediaError {}
export class DtmfError extends MediaError {}
export class PcapError extends MediaError {}
export class WavError extends MediaError {}
export class PortAllocationError extends MediaError {}
export class SessionError extends MediaError {}
export class ConferenceError extends MediaError {}
