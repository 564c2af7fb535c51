import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@switchboard/config';
import {
  type CallHangupRequest,
  callHangupRequestSchema,
  type CallHangupResult,
  openChannelSubscriber,
  redisKeys,
} from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { NODE_ID } from '../registrar/node-id.js';
import { LOGGER, REDIS } from '../tokens.js';
import { CallControlService } from './call-control.service.js';

/**
 * Operator hang-ups from the admin app (`sb:calls:hangup`): the process holding the call ends it
 * like any system hang-up (BYE on both legs of an answered call, RFC 3261 §15; CANCEL on ringing
 * callee legs and a final answer to the caller of one being set up), with "hung up by <who>" as
 * the record's cause. Every process answers on `sb:calls:hangup:results` whether it held the call,
 * so the admin app knows when the call is gone or that nobody had it.
 */
@Injectable()
export class CallHangupListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriber: Redis | undefined;

  constructor(
    @Inject(CallControlService) private readonly control: CallControlService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = await openChannelSubscriber(
      this.redis,
      redisKeys.callHangupRequests,
      (text) => this.onMessage(text),
      this.logger,
      'call hang-up channel',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }

  private onMessage(text: string): void {
    let request: CallHangupRequest;
    try {
      request = callHangupRequestSchema.parse(JSON.parse(text));
    } catch (err) {
      this.logger.warn({ err, message: text.slice(0, 200) }, 'ignored a malformed call hang-up request');
      return;
    }
    const session = this.control.calls.sessions().find((s) => s.id === request.callId);
    if (session) {
      this.logger.info({ call: request.callId, by: request.by, phase: session.phase }, 'operator hang-up');
      session.terminate(`hung up by ${request.by}`);
    }
    const result: CallHangupResult = {
      requestId: request.requestId,
      callId: request.callId,
      found: session !== undefined,
      node: NODE_ID,
    };
    this.redis
      .publish(redisKeys.callHangupResults, JSON.stringify(result))
      .catch((err: unknown) =>
        this.logger.warn({ err, call: request.callId }, 'could not answer a call hang-up request'),
      );
  }
}
