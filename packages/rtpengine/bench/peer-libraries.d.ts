// Minimal typings of the peer library, for the bench only (bencode ships no types).
declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array, encoding?: string): unknown;
  };
  export default bencode;
}
