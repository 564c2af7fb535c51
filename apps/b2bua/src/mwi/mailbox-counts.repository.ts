import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import { PRISMA } from '../tokens.js';
import type { MailboxCounts } from './message-summary-body.js';

/** Message counts of a mailbox from PostgreSQL: unheard = new, heard = old (RFC 3842 §5.2). */
@Injectable()
export class MailboxCountsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async counts(extension: string): Promise<MailboxCounts> {
    // One grouped count on the (box_id, heard, …) index: cheap enough for every change and SUBSCRIBE.
    const rows = await this.prisma.voicemailMessage.groupBy({
      by: ['heard'],
      where: { box: { extension: { number: extension } } },
      _count: { _all: true },
    });
    let newMessages = 0;
    let oldMessages = 0;
    for (const row of rows) {
      if (row.heard) oldMessages += row._count._all;
      else newMessages += row._count._all;
    }
    return { newMessages, oldMessages };
  }
}
