import { randomUUID } from 'node:crypto';
import {
  GatewayTimeoutException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  callHangupResultSchema,
  openChannelSubscriber,
  redisKeys,
  type CallHangupRequest,
  type CallHangupResult,
} from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { notFound } from '../common/conflict.js';
import { REDIS } from '../common/tokens.js';
import { LiveStateReader } from './live-state.reader.js';

/** How long the signalling processes get to say whether they held the call. */
export const HANGUP_ANSWER_MS = 3000;

interface Pending {
  /** How many signalling processes got the request (PUBLISH's answer). */
  receivers: number;
  answered: number;
  settle(result: CallHangupResult | undefined): void;
}

/**
 * An operator ends a live call: the request goes to every signalling process on
 * `sb:calls:hangup`; the one holding the call sends BYE/CANCEL on its legs and says so on
 * `sb:calls:hangup:results`. Resolves once a process ended it, or when every receiver said it
 * did not have it (404), or nobody listens (503), or nobody answers in time (504).
 */
@Injectable()
export class CallHangupService implements OnApplicationShutdown {
  private subscriber: Promise<Redis> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly logger = new Logger('CallHangupService');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LiveStateReader) private readonly live: LiveStateReader,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async hangUp(actor: AuditActor, callId: string): Promise<{ callId: string; node: string | null }> {
    const call = (await this.live.activeCalls()).find((c) => c.id === callId);
    if (!call) throw notFound(`active call "${callId}"`);
    await this.results();
    const request: CallHangupRequest = { requestId: randomUUID(), callId, by: `admin ${actor.name}` };
    const answer = new Promise<CallHangupResult | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), HANGUP_ANSWER_MS);
      const settle = (r: CallHangupResult | undefined): void => {
        clearTimeout(timer);
        this.pending.delete(request.requestId);
        resolve(r);
      };
      this.pending.set(request.requestId, { receivers: Number.POSITIVE_INFINITY, answered: 0, settle });
    });
    const receivers = await this.redis.publish(redisKeys.callHangupRequests, JSON.stringify(request));
    const pending = this.pending.get(request.requestId);
    if (pending) {
      pending.receivers = receivers;
      if (receivers === 0 || pending.answered >= receivers) pending.settle(undefined);
    }
    const result = await answer;
    if (receivers === 0) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'No signalling process is running to end the call',
      });
    }
    if (!result?.found) {
      if (result === undefined && (pending?.answered ?? 0) < receivers) {
        throw new GatewayTimeoutException({
          statusCode: 504,
          error: 'Gateway Timeout',
          message: 'The signalling processes did not answer in time; the call may still be up',
        });
      }
      throw notFound(`active call "${callId}"`);
    }
    await this.audit.record(actor, {
      action: 'hangup',
      entity: 'call',
      entityId: callId,
      before: { from: call.from, to: call.to, state: call.state },
    });
    return { callId, node: result.node ?? null };
  }

  async onApplicationShutdown(): Promise<void> {
    for (const p of [...this.pending.values()]) p.settle(undefined);
    const subscriber = await this.subscriber?.catch(() => undefined);
    await subscriber?.quit().catch(() => undefined);
  }

  /** One subscriber connection for the results of every request (created on first use). */
  private results(): Promise<Redis> {
    if (!this.subscriber) {
      const connecting = (async () => {
        return openChannelSubscriber(
          this.redis,
          redisKeys.callHangupResults,
          (text) => this.onResult(text),
          { warn: (_fields, message) => this.logger.warn(message) },
          'call hang-up results',
        );
      })();
      // A failed subscription is retried by the next request (this one answers 500).
      connecting.catch(() => {
        if (this.subscriber === connecting) this.subscriber = undefined;
      });
      this.subscriber = connecting;
    }
    return this.subscriber;
  }

  private onResult(text: string): void {
    let result: CallHangupResult;
    try {
      result = callHangupResultSchema.parse(JSON.parse(text));
    } catch {
      return; // not ours to judge: another writer's malformed message
    }
    const pending = this.pending.get(result.requestId);
    if (!pending) return;
    pending.answered += 1;
    if (result.found) pending.settle(result);
    else if (pending.answered >= pending.receivers) pending.settle(undefined);
  }
}
