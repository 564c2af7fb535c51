import { describe, expect, it } from 'vitest';
import {
  DigestAuthenticator,
  DigestClient,
  DigestParseError,
  InMemoryNonceCountStore,
  parseDigestChallenge,
  parseDigestCredentials,
} from '../../src/index.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['"', '\\', ',', '=', ' ', '\t', '<', '>', 'a', 'Z', '0', ';', '\u00e9', '\r\n', ''];

function mutate(input: string, rnd: () => number): string {
  let s = input;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 3);
    const ch = ALPHABET[Math.floor(rnd() * ALPHABET.length)] ?? '';
    if (op === 0) s = s.slice(0, at) + ch + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + ch + s.slice(at + 1);
  }
  return s;
}

describe('digest parsing and verification under random mutation', () => {
  const realm = 'pbx.example.com';
  const auth = new DigestAuthenticator({
    realm,
    secret: 'fuzzing-secret-0123456789abcdef',
    lookupHa1: () => undefined,
    nonceCounts: new InMemoryNonceCountStore(),
  });
  const challenges = auth.challenge('www').map((h) => h.value);
  const [credentials] = new DigestClient({ username: '201', password: 'pw' })
    .answer(401, challenges, { method: 'REGISTER', uri: 'sip:pbx.example.com' })
    .map((h) => h.value);

  it('throws nothing but DigestParseError for 5,000 mutated challenges and credentials', () => {
    const rnd = prng(42);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const input = mutate(i % 2 === 0 ? (challenges[0] ?? '') : (credentials ?? ''), rnd);
      try {
        if (i % 2 === 0) parseDigestChallenge(input);
        else parseDigestCredentials(input);
        parsed++;
      } catch (e) {
        expect(e).toBeInstanceOf(DigestParseError);
        rejected++;
      }
    }
    // Both outcomes must occur, or the mutation is not exercising the parser.
    expect(parsed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('answers 1,000 mutated credentials with a failure and a challenge, never a throw', async () => {
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const r = await auth.verify('www', {
        method: 'REGISTER',
        requestUri: 'sip:pbx.example.com',
        credentials: [mutate(credentials ?? '', rnd)],
      });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.headers).toHaveLength(2);
    }
  });
});
