// @switchboard/sip public API. See README.md.
export { SipParseError, type PartialMessage, type SipParseErrorInit } from './sip-parse-error.js';
export {
  SipMessageBase,
  DerivedKey,
  EMPTY_BODY,
  type SipMessage,
  type HeaderValueInput,
} from './message/sip-message.js';
export { SipRequest } from './message/sip-request.js';
export { SipResponse } from './message/sip-response.js';
export { parseMessage, type ParseOptions } from './message/message-parser.js';
export { StreamFramer, type StreamFramerOptions } from './message/stream-framer.js';
export { messageTooLarge } from './message/message-too-large.js';
export { serializeMessage } from './message/message-serializer.js';
export {
  createRequest,
  createResponse,
  createResponseMessage,
  createErrorResponse,
  generateTag,
  type RequestInit,
  type ResponseInit,
  type CreateResponseOptions,
  type HeaderInit,
} from './message/message-builder.js';
export { pooledRandomBytes, randomHex64 } from './message/random-pool.js';
export { validate, assertValid, type ValidationResult } from './message/message-validator.js';
export { reasonPhrase } from './message/reason-phrases.js';
export { parseValidated, summarizeMessage, type MessageSummary } from './message/message-summary.js';
export { HeaderField } from './headers/header-field.js';
export { HeaderId, headerIdOf, canonicalHeaderName, normalizeHeaderName } from './headers/header-names.js';
export {
  NameAddr,
  parseNameAddr,
  formatNameAddr,
  type NameAddrInit,
  type NameAddrParseOptions,
} from './headers/name-addr.js';
export { parseVia, formatVia, type Via, type ViaInit } from './headers/via.js';
export { parseCSeq, parseRAck, parseRSeq, MAX_SEQ, type CSeq, type RAck } from './headers/cseq.js';
export {
  parseCallId,
  parseMaxForwards,
  parseContentLength,
  parseDeltaSeconds,
  parseSessionExpires,
  parseMinSE,
  parseRetryAfter,
  MAX_DELTA_SECONDS,
  type DeltaWithParams,
  type SessionExpires,
  type RetryAfter,
} from './headers/scalar-headers.js';
export { parseMediaType, type MediaType } from './headers/media-type.js';
export { parseAuthHeader, type AuthHeader } from './headers/auth.js';
export { parseTokenList } from './headers/token-list.js';
export {
  parseEvent,
  parseSubscriptionState,
  parseReplaces,
  type EventHeader,
  type SubscriptionState,
  type Replaces,
} from './headers/event.js';
export { uriReplaces, formatReplacesUriHeader } from './uri/uri-replaces.js';
export { parseReason, parseWarning, type ReasonValue, type WarningValue } from './headers/reason-warning.js';
export { parseDate, formatDate } from './headers/date.js';
export {
  parseUri,
  formatUri,
  sipUri,
  unescapeUriPart,
  escapeUser,
  type Uri,
  type SipUri,
  type TelUri,
  type AbsoluteUri,
  type SipUriInit,
} from './uri/uri.js';
export { splitList, unquote, quote, type Params } from './grammar/scanner.js';
export { decodeUtf8, encodeUtf8 } from './grammar/text.js';
