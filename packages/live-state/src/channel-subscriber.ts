import { Redis } from 'ioredis';
import { logConnectionErrors, type WarnLogger } from './connection-errors.js';

/**
 * A connection subscribed to one pub/sub channel, subscribed again after every reconnect.
 *
 * ioredis's own resubscription (`autoResubscribe`) sends SUBSCRIBE from its ready handler and drops
 * the promise: when the connection is closed (quit at shutdown) while that reply is outstanding, the
 * command fails with "Connection is closed." and nobody handles the rejection — an unhandled
 * rejection that stops a Node process run with the default `--unhandled-rejections=throw`. Here it
 * is off and the resubscription is ours, its failure logged (or ignored once the connection is
 * being closed on purpose).
 *
 * `from`: a connection to duplicate (its options, no auto-pipelining) or a Redis URL.
 */
export async function openChannelSubscriber(
  from: Redis | string,
  channel: string,
  onMessage: (text: string) => void,
  logger: WarnLogger,
  name: string,
): Promise<Redis> {
  const options = { enableAutoPipelining: false, autoResubscribe: false, maxRetriesPerRequest: null };
  const sub = typeof from === 'string' ? new Redis(from, options) : from.duplicate(options);
  logConnectionErrors(sub, logger, name);
  sub.on('message', (heard: string, text: string) => {
    if (heard === channel) onMessage(text);
  });
  try {
    await sub.subscribe(channel);
  } catch (err) {
    sub.disconnect();
    throw err;
  }
  // Registered after the first subscription: from now on 'ready' means a reconnect.
  sub.on('ready', () => {
    sub.subscribe(channel).catch((err: unknown) => {
      if (sub.status === 'end' || sub.status === 'close') return; // closing on purpose
      logger.warn({ err, connection: name }, `Redis channel ${channel} not subscribed again (${name})`);
    });
  });
  return sub;
}
