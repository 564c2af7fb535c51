import type { PrismaClient } from '@switchboard/db';

/** What the B2BUA needs of a room to let a caller in. */
export interface ConferenceRoomRow {
  readonly number: string;
  readonly enabled: boolean;
  readonly pinHash: string | null;
  readonly maxParticipants: number;
  readonly announceJoin: boolean;
}

/** Conference rooms from PostgreSQL (edited in the admin app). */
export class ConferenceRoomRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(number: string): Promise<ConferenceRoomRow | undefined> {
    const row = await this.prisma.conferenceRoom.findUnique({
      where: { number },
      select: { number: true, enabled: true, pinHash: true, maxParticipants: true, announceJoin: true },
    });
    return row ?? undefined;
  }
}
