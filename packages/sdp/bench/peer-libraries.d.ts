// Minimal typings of the peer libraries, for the bench only: sdp-transform ships no types, and the
// types of @webex/ts-sdp are not reachable through its package.json "exports" under NodeNext.
declare module 'sdp-transform' {
  export function parse(sdp: string): Record<string, unknown>;
  export function write(session: Record<string, unknown>): string;
}

declare module '@webex/ts-sdp' {
  export interface Sdp {
    toString(): string;
  }
  export function parse(sdp: string): Sdp;
}
