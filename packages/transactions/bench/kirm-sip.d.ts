// Minimal types for the `sip` npm package (0.0.6), used only as the benchmark's peer.
declare module 'sip' {
  export interface KirmMessage {
    method?: string;
    uri?: string;
    status?: number;
    reason?: string;
    headers: Record<string, unknown>;
    content?: string;
  }
  export interface KirmStack {
    send(message: KirmMessage, callback?: (response: KirmMessage) => void): void;
    destroy(): void;
  }
  export function create(
    options: {
      port: number;
      address: string;
      publicAddress?: string;
      udp?: boolean;
      tcp?: boolean;
      logger?: { error?: (e: unknown) => void };
    },
    onRequest: (request: KirmMessage) => void,
  ): KirmStack;
  export function makeResponse(request: KirmMessage, status: number, reason: string): KirmMessage;
}
