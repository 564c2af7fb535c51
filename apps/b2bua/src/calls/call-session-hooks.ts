import type { Disposition, HangupSide } from './records/call-record-builder.js';

/** A call's ids on every log line: the session id and the caller's SIP Call-ID. */
export interface CallLogIds {
  readonly call: string;
  readonly callId: string;
}

/** How a call's parts (answer, media readiness) end it through the session. */
export interface CallEnding {
  /** A final response to the caller, then the call ends with that disposition. */
  failTo(
    status: number,
    reason: string,
    headers: ReadonlyArray<readonly [string, string]>,
    disposition: Disposition,
    cause: string,
  ): void;
  end(disposition: Disposition, side: HangupSide, cause: string, status?: number): void;
}
