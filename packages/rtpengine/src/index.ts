export {
  BencodeError,
  decodeBencode,
  encodeBencode,
  type BencodeDict,
  type BencodeValue,
} from './bencode.js';
export type {
  NgAnswer,
  NgCounters,
  NgDelete,
  NgOffer,
  NgPlayMedia,
  NgQuery,
  NgQueryResult,
  NgSdpOptions,
  NgSessionRef,
  NgStreamStats,
} from './ng-commands.js';
export { NgClient, type NgClientOptions, type NgSdpResult } from './ng-client.js';
export { NgError, type NgErrorCode } from './ng-error.js';
export {
  RTPENGINE_BINARY,
  rtpengineInstalled,
  startRtpengine,
  type RtpengineProcess,
  type RtpengineProcessOptions,
} from './rtpengine-process.js';
