// Stand-ins for the B2BUA's side of the live state in admin tests, written as the real processes
// write it (their own tests: apps/b2bua/test/admin-live-hangup-browser.test.ts, routing-plugins.test.ts).
import {
  callHangupRequestSchema,
  pluginStatusFields,
  redisKeys,
  type CallHangupRequest,
  type ProcessHeartbeat,
} from '@switchboard/live-state';
import type { Redis } from 'ioredis';

/** A call in progress as the signalling process lists it in `sb:calls`. */
export async function addLiveCall(
  redis: Redis,
  id: string,
  fields: Record<string, string> = {},
): Promise<void> {
  await redis.zadd(redisKeys.calls, Date.now(), id);
  await redis.hset(redisKeys.call(id), {
    state: 'bridged',
    from: 'sip:100@pbx.test',
    to: 'sip:201@pbx.test',
    startedAt: String(Date.now()),
    ...fields,
  });
}

/**
 * A signalling process on the hang-up channels: ends (and forgets) the calls in `held`, says
 * "not mine" for any other. Returns its subscriber connection (disconnect it when done).
 */
export async function standInSignalling(
  redis: Redis,
  held: Set<string>,
  onRequest: (request: CallHangupRequest) => void = () => undefined,
): Promise<Redis> {
  const subscriber = redis.duplicate();
  subscriber.on('message', (_channel: string, text: string) => {
    const request = callHangupRequestSchema.parse(JSON.parse(text));
    onRequest(request);
    const found = held.delete(request.callId);
    const result = { requestId: request.requestId, callId: request.callId, found, node: 'stand-in' };
    void redis.publish(redisKeys.callHangupResults, JSON.stringify(result));
  });
  await subscriber.subscribe(redisKeys.callHangupRequests);
  return subscriber;
}

/**
 * A routing worker's plugin side: its heartbeat reports the configuration revision it runs, and it
 * applies a new one when told on the change channel. Returns its subscriber connection.
 */
export async function standInPluginWorker(redis: Redis, worker: ProcessHeartbeat): Promise<Redis> {
  const report = async (revision: number) => {
    worker.set(pluginStatusFields({ revision, appliedAt: Date.now() }));
    await worker.beat();
  };
  await report(Number((await redis.get(redisKeys.pluginConfigRevision)) ?? 0));
  const channel = redis.duplicate();
  await channel.subscribe(redisKeys.pluginConfigChanged);
  channel.on('message', (_c: string, revision: string) => void report(Number(revision)));
  return channel;
}
