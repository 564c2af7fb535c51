/**
 * When an INVITE server transaction sends 100 (Trying) on its own. RFC 3261 §17.2.1: it MUST,
 * "unless it knows that the TU will generate a provisional or final response within 200 ms".
 * - `deferred`: only if the TU has sent no provisional or final response 200 ms after the INVITE
 *   arrived (or at once on a retransmitted INVITE before then). A TU that answers fast (a B2BUA
 *   relaying 180/200, or a quick final answer) saves one datagram per call; a slow TU's caller
 *   still hears 100 before its first retransmission (Timer A = T1 = 500 ms, §17.1.1.2).
 * - `immediate` (the layer's default): at once. Behind a stateful proxy this is the proxy's sign that
 *   the element took the INVITE; deferred, the proxy may fail it over within those 200 ms.
 * - `off`: never; the TU sends its own provisional responses.
 */
export type TryingPolicy = 'deferred' | 'immediate' | 'off';

/** §17.2.1's 200 ms: a TU that answers within it needs no 100 (Trying). */
export const TRYING_DEFER_MS = 200;

/** The 100 (Trying) a machine may send, built only when it goes out, at once or after `afterMs`. */
export interface TryingResponse<M> {
  readonly build: () => M;
  /** 0: at once when the INVITE arrives; otherwise only if the TU has sent nothing after this long. */
  readonly afterMs: number;
}
