/** Raised for a digest header value that does not follow RFC 7616 §3.3/§3.4 (RFC 3261 §25.1 auth grammar). */
export class DigestParseError extends Error {
  override readonly name = 'DigestParseError';
  constructor(
    readonly reason: string,
    readonly input: string,
  ) {
    super(`invalid digest header value: ${reason}`);
  }
}

/** Raised for bad configuration or arguments (e.g. an empty secret), never for bad network input. */
export class DigestConfigError extends Error {
  override readonly name = 'DigestConfigError';
}
