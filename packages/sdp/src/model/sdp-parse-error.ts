/**
 * Malformed SDP. Carries the 1-based line number and the offending line so the B2BUA can answer
 * 488 Not Acceptable Here (or 400) with a precise reason.
 */
export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';

  constructor(
    /** What is wrong, without the line number. */
    readonly reason: string,
    /** 1-based line number in the parsed text; 0 when the problem is not tied to one line. */
    readonly line: number,
    /** The offending line's text (without line terminator), or '' when not tied to one line. */
    readonly lineText: string = '',
  ) {
    super(line > 0 ? `SDP line ${line}: ${reason} (${JSON.stringify(lineText)})` : `SDP: ${reason}`);
  }
}

/** Thrown by typed setters and accessors when a value cannot be represented in SDP. */
export class SdpValueError extends Error {
  override readonly name = 'SdpValueError';
}
