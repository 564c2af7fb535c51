import type { BencodeDict, BencodeValue } from './bencode.js';

/**
 * The ng commands the B2BUA uses, typed. One rtpengine call is one SIP call (Call-ID); each leg is a
 * tag (`from-tag`, `to-tag`), and a forked INVITE's branches are told apart by `via-branch` until
 * one answers, so early media from several branches each get their own ports.
 */
export interface NgSessionRef {
  readonly callId: string;
  readonly fromTag: string;
  /** The branch this offer/answer belongs to (RFC 3261 §8.1.1.7 Via branch, or any per-fork id). */
  readonly viaBranch?: string;
}

export interface NgSdpOptions {
  /** Flags such as `trust-address`, `symmetric`, `asymmetric`, `port-latching`, `strict-source`. */
  readonly flags?: readonly string[];
  /** SDP parts rtpengine rewrites besides the media addresses: `origin`, `session-connection`. */
  readonly replace?: readonly string[];
  /** Interfaces (by name, e.g. `internal`, `external`) the call crosses: from the offerer to the answerer. */
  readonly direction?: readonly [string, string];
  /** ICE handling: `remove` strips candidates, `force` adds rtpengine's own. */
  readonly ice?: 'remove' | 'force' | 'default';
  /** Where the SDP really came from (the SIP source address), used with `trust-address` unset. */
  readonly receivedFrom?: { readonly family: 'IP4' | 'IP6'; readonly address: string };
  /** Media protocol towards the answerer, e.g. `RTP/AVP` or `RTP/SAVP`. */
  readonly transportProtocol?: string;
  /** SDES-SRTP (RFC 4568) options, e.g. `no-NULL_HMAC_SHA1_80` (leave that suite out), `off`. */
  readonly sdes?: readonly string[];
  /** DTLS-SRTP towards the answerer: `off` keeps a plain SDES offer free of fingerprint/setup lines. */
  readonly dtls?: 'off' | 'passive' | 'active';
  /** A label shown in rtpengine's logs and query output for this leg. */
  readonly label?: string;
}

export interface NgOffer extends NgSessionRef, NgSdpOptions {
  readonly sdp: string;
}

export interface NgAnswer extends NgSessionRef, NgSdpOptions {
  readonly toTag: string;
  readonly sdp: string;
}

export interface NgDelete {
  readonly callId: string;
  /** Without tags the whole call goes; with them only that dialog (a losing fork branch). */
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly viaBranch?: string;
  /** Seconds rtpengine keeps the deleted call around (0 = at once). */
  readonly deleteDelay?: number;
}

export interface NgQuery {
  readonly callId: string;
  readonly fromTag?: string;
  readonly toTag?: string;
}

/** Packet/byte/error counters rtpengine keeps per stream and per call. */
export interface NgCounters {
  readonly packets: number;
  readonly bytes: number;
  readonly errors: number;
}

export interface NgStreamStats {
  /** Where rtpengine receives this party's RTP (its own port). */
  readonly localPort: number;
  /** Where the party's RTP actually came from (learnt from the packets; NAT shows here). */
  readonly endpoint: { readonly address: string; readonly port: number } | undefined;
  readonly stats: NgCounters;
}

export interface NgQueryResult {
  readonly created: number;
  readonly totals: { readonly rtp: NgCounters; readonly rtcp: NgCounters };
  /** Per tag (call leg): its media, each with its RTP streams' counters. */
  readonly tags: ReadonlyMap<
    string,
    readonly { readonly type: string; readonly streams: readonly NgStreamStats[] }[]
  >;
  readonly raw: BencodeDict;
}

export function offerMessage(o: NgOffer): BencodeDict {
  return { command: 'offer', ...sessionRef(o), ...sdpOptions(o), sdp: o.sdp };
}

export function answerMessage(a: NgAnswer): BencodeDict {
  return { command: 'answer', ...sessionRef(a), ...sdpOptions(a), 'to-tag': a.toTag, sdp: a.sdp };
}

export function deleteMessage(d: NgDelete): BencodeDict {
  return {
    command: 'delete',
    'call-id': d.callId,
    'from-tag': d.fromTag,
    'to-tag': d.toTag,
    'via-branch': d.viaBranch,
    'delete-delay': d.deleteDelay,
  };
}

export interface NgPlayMedia {
  readonly callId: string;
  /** The party that hears the file. */
  readonly fromTag: string;
  readonly file: string;
}

export function playMediaMessage(p: NgPlayMedia): BencodeDict {
  return { 'call-id': p.callId, 'from-tag': p.fromTag, file: p.file };
}

export function queryMessage(q: NgQuery): BencodeDict {
  return { command: 'query', 'call-id': q.callId, 'from-tag': q.fromTag, 'to-tag': q.toTag };
}

function sessionRef(r: NgSessionRef): BencodeDict {
  return { 'call-id': r.callId, 'from-tag': r.fromTag, 'via-branch': r.viaBranch };
}

function sdpOptions(o: NgSdpOptions): BencodeDict {
  return {
    flags: o.flags,
    replace: o.replace,
    direction: o.direction,
    ICE: o.ice,
    'received-from': o.receivedFrom ? [o.receivedFrom.family, o.receivedFrom.address] : undefined,
    'transport-protocol': o.transportProtocol,
    SDES: o.sdes,
    DTLS: o.dtls,
    label: o.label,
  };
}

/** Reads rtpengine's `query` answer into counters; absent fields count as zero. */
export function parseQueryResult(raw: BencodeDict): NgQueryResult {
  const totals = dictOf(raw.totals);
  const tags = new Map<string, { type: string; streams: NgStreamStats[] }[]>();
  for (const [tag, value] of Object.entries(dictOf(raw.tags))) {
    const medias = listOf(dictOf(value).medias).map((m) => {
      const media = dictOf(m);
      return {
        type: typeof media.type === 'string' ? media.type : '',
        streams: listOf(media.streams).map((s) => streamStats(dictOf(s))),
      };
    });
    tags.set(tag, medias);
  }
  return {
    created: numberOf(raw.created),
    totals: { rtp: counters(dictOf(totals.RTP)), rtcp: counters(dictOf(totals.RTCP)) },
    tags,
    raw,
  };
}

function streamStats(stream: BencodeDict): NgStreamStats {
  const endpoint = dictOf(stream.endpoint);
  return {
    localPort: numberOf(stream['local port']),
    endpoint:
      typeof endpoint.address === 'string'
        ? { address: endpoint.address, port: numberOf(endpoint.port) }
        : undefined,
    stats: counters(dictOf(stream.stats)),
  };
}

function counters(d: BencodeDict): NgCounters {
  return { packets: numberOf(d.packets), bytes: numberOf(d.bytes), errors: numberOf(d.errors) };
}

function dictOf(v: BencodeValue | undefined): BencodeDict {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? (v as BencodeDict) : {};
}

function listOf(v: BencodeValue | undefined): readonly BencodeValue[] {
  return Array.isArray(v) ? (v as readonly BencodeValue[]) : [];
}

function numberOf(v: BencodeValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}
