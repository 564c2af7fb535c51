// Model, parser and serializer (RFC 8866)
export { SdpParseError, SdpValueError } from './model/sdp-parse-error.js';
export type * from './model/sdp-types.js';
export { SdpSection, attributeValueOf } from './model/sdp-section.js';
export { MediaDescription, type SessionDefaults } from './model/media-description.js';
export { SessionDescription, type LineEnding } from './model/session-description.js';
export { parseSdp } from './model/sdp-parser.js';
export { serializeSdp } from './model/sdp-serializer.js';
export { staticRtpmap, staticPayloadTypeOf, isDynamicPayloadType } from './model/static-payload-types.js';
export { parseT38Attributes, formatT38Attributes } from './model/t38-attributes.js';
export {
  formatCandidate,
  formatConnection,
  formatCrypto,
  formatFmtpParams,
  formatMediaLine,
  formatOrigin,
  formatRtpmap,
  parseCandidate,
  parseConnection,
  parseCrypto,
  parseFmtpParams,
  parseMediaLine,
  parseOrigin,
  parseRtpmap,
} from './model/sdp-fields.js';

// Offer/answer (RFC 3264)
export type {
  CodecCapability,
  MediaCapability,
  LocalConnection,
  LocalOrigin,
} from './offer-answer/media-capability.js';
export type { NegotiatedStream } from './offer-answer/negotiation-types.js';
export { createAnswer, type AnswerOptions, type AnswerResult } from './offer-answer/create-answer.js';
export {
  createOffer,
  createReoffer,
  addStream,
  removeStream,
  holdStream,
  resumeStream,
  buildMediaSection,
  type OfferOptions,
  type OfferStream,
} from './offer-answer/create-offer.js';
export {
  checkAnswer,
  assertValidAnswer,
  SdpNegotiationError,
  type AnswerError,
  type AnswerErrorCode,
} from './offer-answer/check-answer.js';
export {
  answerDirection,
  isDirectionAllowed,
  detectHold,
  sends,
  receives,
  type HoldState,
} from './offer-answer/direction.js';
export { codecMatches, sameCodec, isTelephoneEvent } from './offer-answer/codec-match.js';
export { applySessionVersion, sdpContentChanged } from './offer-answer/session-version.js';

// B2BUA helpers
export { rewriteConnection, type ConnectionRewrite } from './b2bua/rewrite-connection.js';
export { applyCodecPolicy, type CodecPolicy, type CodecPolicyResult } from './b2bua/codec-policy.js';
export { relaySdp, type RelayOptions, type RelayResult } from './b2bua/relay-sdp.js';
