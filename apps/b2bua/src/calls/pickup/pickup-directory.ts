import type { PrismaClient } from '@switchboard/db';
import type { PickupMember } from './pickup-candidates.js';

/** The pickup settings of extensions (PostgreSQL, `extensions.pickup_groups` / `directed_pickup`). */
export interface PickupDirectory {
  /** An enabled extension's pickup settings (undefined: unknown or disabled). */
  member(number: string): Promise<PickupMember | undefined>;
  /** The enabled extensions in any of `groups`, `except` left out. */
  groupMembers(groups: readonly string[], except: string): Promise<string[]>;
}

const FIELDS = { number: true, pickupGroups: true, directedPickup: true } as const;

export function prismaPickupDirectory(prisma: PrismaClient): PickupDirectory {
  return {
    async member(number) {
      const row = await prisma.extension.findFirst({ where: { number, enabled: true }, select: FIELDS });
      return row ?? undefined;
    },
    async groupMembers(groups, except) {
      if (groups.length === 0) return [];
      // The admin stores group names in lower case, so `hasSome` compares them exactly.
      const rows = await prisma.extension.findMany({
        where: { enabled: true, NOT: { number: except }, pickupGroups: { hasSome: [...groups] } },
        select: { number: true },
      });
      return rows.map((r) => r.number);
    },
  };
}
