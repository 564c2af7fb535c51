import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import { validationError } from '../common/zod-validation.pipe.js';
import {
  finalDestinationKinds,
  type FinalDestination,
  type FollowMeInput,
  type FollowMeView,
} from './follow-me.schemas.js';

const storedTargets = z.array(z.string()).catch([]);
/** Ring groups' `none` is not offered here; a stored one reads as `hangup` (both are 480). */
const storedKind = z.enum(finalDestinationKinds).catch('hangup');

@Injectable()
export class FollowMeService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async get(extensionId: string): Promise<FollowMeView> {
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
      finalDestination: { kind: storedKind.parse(ext.followMeFinalKind), target: ext.followMeFinalTarget },
    };
  }

  /** Replaces the whole list (positions are the array order) and, when given, the final destination. */
  async replace(actor: AuditActor, extensionId: string, input: FollowMeInput): Promise<FollowMeView> {
    const before = await this.get(extensionId);
    const final = input.finalDestination;
    if (final) await this.assertDestinationExists(extensionId, final);
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
      this.prisma.extension.update({
        where: { id: extensionId },
        data: {
          followMeEnabled: input.enabled,
          ...(final ? { followMeFinalKind: final.kind, followMeFinalTarget: final.target } : {}),
        },
      }),
    ]);
    const after = await this.get(extensionId);
    await this.audit.record(actor, {
      action: 'update',
      entity: 'follow_me',
      entityId: extensionId,
      before,
      after,
    });
    return after;
  }

  /** The extension, ring group or mailbox a final destination names must exist (400 on its target). */
  private async assertDestinationExists(extensionId: string, final: FinalDestination): Promise<void> {
    const fail = (message: string) => validationError([{ field: 'finalDestination.target', message }]);
    const number = final.target;
    if (number === null) return;
    if (final.kind === 'extension' || final.kind === 'voicemail') {
      const ext = await this.prisma.extension.findUnique({
        where: { number },
        select: { id: true, voicemailBox: { select: { id: true } } },
      });
      if (!ext) throw fail(`no extension ${number}`);
      if (final.kind === 'extension' && ext.id === extensionId)
        throw fail('must be another extension (the voicemail destination reaches this one’s box)');
      if (final.kind === 'voicemail' && !ext.voicemailBox)
        throw fail(`extension ${number} has no voicemail box`);
    } else if (final.kind === 'ring_group') {
      if (!(await this.prisma.ringGroup.findUnique({ where: { number }, select: { id: true } })))
        throw fail(`no ring group ${number}`);
    }
  }
}
