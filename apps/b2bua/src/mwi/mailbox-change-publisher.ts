import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import type { MessageWaitingNotifier } from '../voicemail/message-waiting-notifier.js';

/**
 * The MessageWaitingNotifier of processes without a SIP stack (routing/voicemail workers): pushes
 * the mailbox onto `sb:mwi-changes:<domain>`, which one signalling process pops and NOTIFYs. The admin app
 * pushes there too when a message is marked heard or deleted.
 */
export class MailboxChangePublisher implements MessageWaitingNotifier {
  constructor(
    private readonly redis: Redis,
    /** The deployment's SIP domain (SWITCHBOARD_SIP_DOMAIN): the list is per domain. */
    private readonly domain: string,
  ) {}

  async mailboxChanged(extensionNumber: string): Promise<void> {
    await this.redis.lpush(redisKeys.mwiChanges(this.domain), extensionNumber);
  }
}
