import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { RecordingFlags } from '../recordings/recording-policy.js';
import { PRISMA } from '../tokens.js';

/** The extensions and ring groups that record their calls (`record_calls`; few, so read whole). */
@Injectable()
export class RecordingPolicyRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async flags(): Promise<RecordingFlags> {
    const where = { recordCalls: true };
    const [extensions, ringGroups] = await Promise.all([
      this.prisma.extension.findMany({ where, select: { number: true } }),
      this.prisma.ringGroup.findMany({ where, select: { number: true } }),
    ]);
    return {
      extensions: new Set(extensions.map((e) => e.number)),
      ringGroups: new Set(ringGroups.map((g) => g.number)),
    };
  }
}
