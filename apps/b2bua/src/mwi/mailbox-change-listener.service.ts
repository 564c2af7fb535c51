import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors, redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { CONFIG, LOGGER, REDIS } from '../tokens.js';
import { MwiNotifierService } from './mwi-notifier.service.js';

/** BRPOP wakes up this often to notice a shutdown even if the connection stays quiet. */
const POP_TIMEOUT_SECONDS = 5;

/** A mailbox number is short and plain; anything else on the list is dropped, not NOTIFYed. */
const MAILBOX = /^[0-9A-Za-z*#+_.-]{1,64}$/;

/**
 * Pops mailbox changes pushed by other processes (`sb:mwi-changes:<our domain>`) and NOTIFYs their subscribers.
 * BRPOP hands each entry to exactly one signalling process. An entry popped by a process that dies
 * before notifying is lost: the phone's next refresh (or the next change) brings the right state.
 */
@Injectable()
export class MailboxChangeListenerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private blocking: Redis | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MwiNotifierService) private readonly notifier: MwiNotifierService,
  ) {}

  onApplicationBootstrap(): void {
    // A connection of its own: BRPOP blocks it (and must not join the shared auto-pipeline).
    this.blocking = this.redis.duplicate({ enableAutoPipelining: false, maxRetriesPerRequest: null });
    logConnectionErrors(this.blocking, this.logger, 'mailbox changes');
    this.loop = this.run(this.blocking);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.blocking?.disconnect();
    await this.loop;
  }

  private async run(connection: Redis): Promise<void> {
    while (!this.stopped) {
      let popped: [string, string] | null;
      try {
        popped = await connection.brpop(redisKeys.mwiChanges(this.config.sip.domain), POP_TIMEOUT_SECONDS);
      } catch (err) {
        if (this.stopped) return;
        this.logger.warn({ err }, 'reading MWI mailbox changes failed; retrying in 1 s');
        // Infrastructure back-off (not protocol timing): Redis is away, do not spin.
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
        continue;
      }
      const mailbox = popped?.[1];
      if (mailbox === undefined) continue;
      if (!MAILBOX.test(mailbox)) {
        this.logger.warn({ mailbox: mailbox.slice(0, 80) }, 'ignored a malformed MWI mailbox change');
        continue;
      }
      // Not awaited: a phone that never answers (Timer F, 32 s) must not hold up other mailboxes.
      this.notifier
        .notifyMailbox(mailbox)
        .catch((err: unknown) =>
          this.logger.warn({ err, mailbox }, 'MWI NOTIFY for a mailbox change failed'),
        );
    }
  }
}
