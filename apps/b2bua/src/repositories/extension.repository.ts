import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { ExtensionInfo } from '@switchboard/plugin-sdk';
import { PRISMA } from '../tokens.js';

@Injectable()
export class ExtensionRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findInfo(number: string): Promise<ExtensionInfo | undefined> {
    const row = await this.prisma.extension.findUnique({
      where: { number },
      select: {
        number: true,
        displayName: true,
        enabled: true,
        maxConcurrentCalls: true,
        dialClass: true,
        externalNumber: true,
        maxExternalCalls: true,
        voicemailBox: { select: { enabled: true } },
      },
    });
    if (!row) return undefined;
    return {
      number: row.number,
      displayName: row.displayName,
      enabled: row.enabled,
      maxConcurrentCalls: row.maxConcurrentCalls,
      hasVoicemail: row.voicemailBox?.enabled ?? false,
      dialClass: row.dialClass,
      ...(row.externalNumber ? { externalNumber: row.externalNumber } : {}),
      maxExternalCalls: row.maxExternalCalls,
    };
  }
}
