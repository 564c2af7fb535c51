/**
 * Side-by-side benchmark of the ng message codec: @switchboard/rtpengine's bencode vs the npm
 * `bencode` package (what rtpengine-client encodes with), on a typical `offer` command and its answer.
 * Run with `pnpm --filter @switchboard/rtpengine bench`. Env: BENCH_ROUNDS (default 7), BENCH_MS (default 250).
 */
import bencode from 'bencode';
import { decodeBencode, encodeBencode, type BencodeDict } from '../src/index.js';

const SDP =
  'v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n' +
  'm=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n';
const OFFER: BencodeDict = {
  command: 'offer',
  'call-id': '3848276298220188511@192.0.2.10',
  'from-tag': '9fxced76sl',
  'via-branch': 'z9hG4bK776asdhds',
  flags: ['trust-address'],
  replace: ['origin', 'session-connection'],
  direction: ['internal', 'internal'],
  ICE: 'remove',
  sdp: SDP,
};
const ANSWER_BYTES = new Uint8Array(
  encodeBencode({ result: 'ok', sdp: SDP.replace(/192\.0\.2\.10/g, '192.0.2.1') }),
);

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const ms = Number(process.env.BENCH_MS ?? 250);

function opsPerSecond(fn: () => unknown): number {
  const best: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      now = performance.now();
    }
    best.push((n * 1000) / (now - start));
  }
  best.sort((a, b) => a - b);
  return best[Math.floor(best.length / 2)] ?? 0;
}

const decoder = new TextDecoder();
function peerDecodeAnswer(bytes: Uint8Array): { result: string; sdp: string } {
  const d = bencode.decode(bytes) as { result: Uint8Array; sdp: Uint8Array };
  return { result: decoder.decode(d.result), sdp: decoder.decode(d.sdp) };
}
const cases: [string, () => unknown, () => unknown][] = [
  ['encode offer', () => encodeBencode(OFFER), () => bencode.encode(OFFER)],
  // The peer gives byte strings as Uint8Array (its text mode fails on dictionaries in 4.0.1): the
  // ng client needs the result and the SDP as text, so the peer's side decodes those two.
  [
    'decode answer',
    () => decodeBencode(Buffer.from(ANSWER_BYTES.buffer)),
    () => peerDecodeAnswer(ANSWER_BYTES),
  ],
];
// Same bytes both ways, or the comparison means nothing.
if (decoder.decode(bencode.encode(OFFER)) !== encodeBencode(OFFER).toString('utf8')) {
  throw new Error('the two encoders disagree on the offer');
}
process.stdout.write(`node ${process.version}, ${rounds} rounds x ${ms} ms, median ops/s\n`);
for (const [name, ours, peer] of cases) {
  const a = opsPerSecond(ours);
  const b = opsPerSecond(peer);
  process.stdout.write(
    `${name.padEnd(14)} @switchboard/rtpengine ${Math.round(a).toLocaleString('en')}  bencode ${Math.round(b).toLocaleString('en')}  ratio ${(a / b).toFixed(2)}x\n`,
  );
}
