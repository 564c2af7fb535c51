import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { FallbackKind } from '@switchboard/db';
import type {
  ConferenceRoomInfo,
  MenuInfo,
  FollowMeInfo,
  NoAnswerDestination,
  RingGroupInfo,
} from '@switchboard/plugin-sdk';
import { PRISMA } from '../tokens.js';

/** Ring groups, follow-me steps and conference rooms from PostgreSQL, in the plugin SDK's read-only shapes. */
@Injectable()
export class DirectoryRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async ringGroup(number: string): Promise<RingGroupInfo | undefined> {
    const g = await this.prisma.ringGroup.findUnique({
      where: { number },
      include: {
        members: { orderBy: { position: 'asc' }, include: { extension: { select: { number: true } } } },
      },
    });
    if (!g) return undefined;
    return {
      number: g.number,
      name: g.name,
      enabled: g.enabled,
      strategy: g.strategy,
      ringTimeSeconds: g.ringTimeSeconds,
      memberRingSeconds: g.memberRingSeconds,
      members: g.members.map((m) =>
        m.ringSeconds === null
          ? { extension: m.extension.number }
          : { extension: m.extension.number, ringSeconds: m.ringSeconds },
      ),
      fallback: destination(g.fallbackKind, g.fallbackTarget),
      ...(g.callerIdPrefix ? { callerIdPrefix: g.callerIdPrefix } : {}),
    };
  }

  async followMe(extension: string): Promise<FollowMeInfo | undefined> {
    const ext = await this.prisma.extension.findUnique({
      where: { number: extension },
      select: {
        number: true,
        followMeEnabled: true,
        followMeFinalKind: true,
        followMeFinalTarget: true,
        followMeSteps: { orderBy: { position: 'asc' } },
      },
    });
    if (!ext) return undefined;
    return {
      extension: ext.number,
      enabled: ext.followMeEnabled,
      steps: ext.followMeSteps.map((s) => ({
        targets: Array.isArray(s.targets) ? s.targets.filter((t): t is string => typeof t === 'string') : [],
        ringSeconds: s.ringSeconds,
      })),
      // A mailbox without a target is the extension's own.
      finalDestination: destination(
        ext.followMeFinalKind,
        ext.followMeFinalTarget ?? (ext.followMeFinalKind === 'voicemail' ? ext.number : null),
      ),
    };
  }

  async menu(number: string): Promise<MenuInfo | undefined> {
    const m = await this.prisma.ivrMenu.findUnique({ where: { number } });
    if (!m?.number) return undefined;
    return { id: m.id, number: m.number, name: m.name, enabled: m.enabled };
  }

  async conferenceRoom(number: string): Promise<ConferenceRoomInfo | undefined> {
    const r = await this.prisma.conferenceRoom.findUnique({ where: { number } });
    if (!r) return undefined;
    return {
      number: r.number,
      name: r.name,
      enabled: r.enabled,
      hasPin: r.pinHash !== null,
      maxParticipants: r.maxParticipants,
      announceJoin: r.announceJoin,
    };
  }
}

/** A stored fallback kind + target; a kind that needs a target but has none is 480 (`none`). */
function destination(kind: FallbackKind, target: string | null): NoAnswerDestination {
  if (kind === 'none' || kind === 'hangup' || kind === 'busy') return { kind };
  return target ? { kind, target } : { kind: 'none' };
}
