/**
 * Why an ng command failed: `timeout` (no answer within the time budget, retransmissions
 * included), `rejected` (rtpengine answered `result: error` or `load limit`, reason given),
 * `protocol` (the answer was not an ng dictionary), `closed` (the client was closed while waiting),
 * `transport` (the socket could not send).
 */
export type NgErrorCode = 'timeout' | 'rejected' | 'protocol' | 'closed' | 'transport';

export class NgError extends Error {
  constructor(
    readonly code: NgErrorCode,
    readonly command: string,
    message: string,
  ) {
    super(`rtpengine ${command}: ${message}`);
    this.name = 'NgError';
  }
}
