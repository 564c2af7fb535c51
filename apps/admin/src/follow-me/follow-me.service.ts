import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import type { FollowMeInput } from './follow-me.schemas.js';

const storedTargets = z.array(z.string()).catch([]);

@Injectable()
export class FollowMeService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async get(extensionId: string): Promise<FollowMeInput> {
    const ext = await this.prisma.extension.findUnique({
      where: { id: extensionId },
      include: { followMeSteps: { orderBy: { position: 'asc' } } },
    });
    if (!ext) throw notFound('extension');
    return {
      enabled: ext.followMeEnabled,
      steps: ext.followMeSteps.map((s) => ({
        targets: storedTargets.parse(s.targets),
        ringSeconds: s.ringSeconds,
      })),
    };
  }

  /** Replaces the whole list (positions are the array order). */
  async replace(actor: AuditActor, extensionId: string, input: FollowMeInput): Promise<FollowMeInput> {
    const before = await this.get(extensionId);
    await this.prisma.$transaction([
      this.prisma.followMeStep.deleteMany({ where: { extensionId } }),
      this.prisma.followMeStep.createMany({
        data: input.steps.map((s, position) => ({
          extensionId,
          position,
          targets: s.targets,
          ringSeconds: s.ringSeconds,
        })),
      }),
      this.prisma.extension.update({ where: { id: extensionId }, data: { followMeEnabled: input.enabled } }),
    ]);
    await this.audit.record(actor, {
      action: 'update',
      entity: 'follow_me',
      entityId: extensionId,
      before,
      after: input,
    });
    return this.get(extensionId);
  }
}
