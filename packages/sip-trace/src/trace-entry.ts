import { z } from 'zod';

const endpoint = z.object({ host: z.string().min(1).max(64), port: z.number().int().min(0).max(65535) });

/**
 * One SIP message as the PBX sent or received it: wall time (Unix ms), direction, transport,
 * the PBX's own address and the peer's, and the message text exactly as on the wire.
 */
export const traceEntrySchema = z.object({
  t: z.number(),
  dir: z.enum(['in', 'out']),
  proto: z.enum(['UDP', 'TCP', 'TLS', 'WS', 'WSS']),
  local: endpoint,
  remote: endpoint,
  msg: z.string(),
});

export type TraceEntry = z.infer<typeof traceEntrySchema>;
export type TraceEndpoint = TraceEntry['local'];

/** The stored trace of one call: its legs' SIP Call-IDs, the messages in time order, and what was cut. */
export const callTraceSchema = z.object({
  sipCallIds: z.array(z.string()),
  entries: z.array(traceEntrySchema),
  /** Messages left out because the call's buffer was full (per-call cap). */
  dropped: z.number().int().min(0),
});

export type CallTrace = z.infer<typeof callTraceSchema>;

export function endpointText(e: TraceEndpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
