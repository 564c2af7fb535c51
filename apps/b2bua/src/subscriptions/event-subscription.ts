import { z } from 'zod';

const destinationSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  protocol: z.enum(['UDP', 'TCP', 'TLS', 'WS', 'WSS']),
});

/**
 * One subscription of an event package and the notifier's side of its dialog (RFC 6665 §4.1.2), as
 * stored in Redis (the package's hash per watched account) so that any signalling process can NOTIFY it.
 */
export const eventSubscriptionSchema = z.object({
  /** `<Call-ID>;<our tag>`: unique per dialog. */
  id: z.string(),
  /** The event package (RFC 6665 §7.2.1); entries written before packages were named are message-summary. */
  event: z.string().default('message-summary'),
  /** The watched resource: the mailbox or the extension (number). */
  extension: z.string(),
  /** Its URI, e.g. sip:201@pbx.example.com (Message-Account, dialog-info entity). */
  account: z.string(),
  /** The authenticated extension that subscribed. */
  watcher: z.string().optional(),
  callId: z.string(),
  localTag: z.string(),
  remoteTag: z.string(),
  /** From of our NOTIFYs: the SUBSCRIBE's To with our tag. */
  localHeader: z.string(),
  /** To of our NOTIFYs: the SUBSCRIBE's From as sent (with the subscriber's tag). */
  remoteHeader: z.string(),
  /** The subscriber's Contact URI (target refresh by SUBSCRIBE, RFC 6665 §4.1.2.1). */
  remoteTarget: z.string(),
  /** Record-Route values of the initial SUBSCRIBE, in order (UAS route set, RFC 3261 §12.1.1). */
  routeSet: z.array(z.string()),
  /** Our Contact URI in this dialog. */
  localContact: z.string(),
  /** Where the SUBSCRIBE came from (after NAT): NOTIFYs go there when there is no route set. */
  destination: destinationSchema,
  /** `id` parameter of the Event header, repeated in our NOTIFYs (RFC 6665 §8.2.1). */
  eventId: z.string().optional(),
  /** Highest CSeq seen from the subscriber in this dialog (RFC 3261 §12.2.2). */
  remoteSeq: z.number().int(),
  /** Epoch milliseconds. */
  expiresAt: z.number(),
  createdAt: z.number(),
  /** Signalling process that last accepted a SUBSCRIBE of this dialog. */
  node: z.string(),
});
export type EventSubscription = z.infer<typeof eventSubscriptionSchema>;
export type SubscriptionDestination = z.infer<typeof destinationSchema>;

/** The dialog id used as hash field and timer key. */
export function subscriptionId(callId: string, localTag: string): string {
  return `${callId};${localTag}`;
}
