import { Inject, Injectable } from '@nestjs/common';
import {
  preparedSqlOf,
  type FallbackKind,
  type PreparedSql,
  type PrismaClient,
  type RingStrategy,
} from '@switchboard/db';
import type {
  ConferenceRoomInfo,
  MenuInfo,
  FollowMeInfo,
  NoAnswerDestination,
  RingGroupInfo,
} from '@switchboard/plugin-sdk';
import { PRISMA } from '../tokens.js';

// Prepared statements, not Prisma model queries: the routing plugins read these for every call
// (Prisma 7 compiles each model query in its wasm query compiler, ~1 ms of CPU per findUnique).
// Enum columns come back as text; PostgreSQL's enum types hold them to the Prisma enums.

/** The group and its members in ring order (one statement, members as a JSON array). */
const RING_GROUP = `
  SELECT g.number, g.name, g.enabled, g.strategy::text AS strategy, g.ring_time_seconds,
    g.member_ring_seconds, g.fallback_kind::text AS fallback_kind, g.fallback_target, g.caller_id_prefix,
    COALESCE((
      SELECT json_agg(json_build_object('extension', e.number, 'ringSeconds', m.ring_seconds)
        ORDER BY m.position)
      FROM ring_group_members m JOIN extensions e ON e.id = m.extension_id
      WHERE m.ring_group_id = g.id
    ), '[]'::json) AS members
  FROM ring_groups g WHERE g.number = $1`;

interface RingGroupRow {
  readonly number: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly strategy: RingStrategy;
  readonly ring_time_seconds: number;
  readonly member_ring_seconds: number;
  readonly fallback_kind: FallbackKind;
  readonly fallback_target: string | null;
  readonly caller_id_prefix: string | null;
  readonly members: readonly { readonly extension: string; readonly ringSeconds: number | null }[];
}

/** The extension's follow-me settings and steps in order. */
const FOLLOW_ME = `
  SELECT e.number, e.follow_me_enabled, e.follow_me_final_kind::text AS final_kind,
    e.follow_me_final_target AS final_target,
    COALESCE((
      SELECT json_agg(json_build_object('targets', s.targets, 'ringSeconds', s.ring_seconds)
        ORDER BY s.position)
      FROM follow_me_steps s WHERE s.extension_id = e.id
    ), '[]'::json) AS steps
  FROM extensions e WHERE e.number = $1`;

interface FollowMeRow {
  readonly number: string;
  readonly follow_me_enabled: boolean;
  readonly final_kind: FallbackKind;
  readonly final_target: string | null;
  /** `targets` is a JSON column: not trusted to be a list of strings. */
  readonly steps: readonly { readonly targets: unknown; readonly ringSeconds: number }[];
}

const MENU = 'SELECT id, number, name, enabled FROM ivr_menus WHERE number = $1';

interface MenuRow {
  readonly id: string;
  readonly number: string | null;
  readonly name: string;
  readonly enabled: boolean;
}

const CONFERENCE_ROOM = `
  SELECT number, name, enabled, pin_hash IS NOT NULL AS has_pin, max_participants, announce_join
  FROM conference_rooms WHERE number = $1`;

interface ConferenceRoomRow {
  readonly number: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly has_pin: boolean;
  readonly max_participants: number;
  readonly announce_join: boolean;
}

/** Ring groups, follow-me steps and conference rooms from PostgreSQL, in the plugin SDK's read-only shapes. */
@Injectable()
export class DirectoryRepository {
  private readonly sql: PreparedSql;

  constructor(@Inject(PRISMA) prisma: PrismaClient) {
    this.sql = preparedSqlOf(prisma);
  }

  async ringGroup(number: string): Promise<RingGroupInfo | undefined> {
    const [g] = await this.sql.query<RingGroupRow>('directory_ring_group', RING_GROUP, [number]);
    if (!g) return undefined;
    return {
      number: g.number,
      name: g.name,
      enabled: g.enabled,
      strategy: g.strategy,
      ringTimeSeconds: g.ring_time_seconds,
      memberRingSeconds: g.member_ring_seconds,
      members: g.members.map((m) =>
        m.ringSeconds === null
          ? { extension: m.extension }
          : { extension: m.extension, ringSeconds: m.ringSeconds },
      ),
      fallback: destination(g.fallback_kind, g.fallback_target),
      ...(g.caller_id_prefix ? { callerIdPrefix: g.caller_id_prefix } : {}),
    };
  }

  async followMe(extension: string): Promise<FollowMeInfo | undefined> {
    const [ext] = await this.sql.query<FollowMeRow>('directory_follow_me', FOLLOW_ME, [extension]);
    if (!ext) return undefined;
    return {
      extension: ext.number,
      enabled: ext.follow_me_enabled,
      steps: ext.steps.map((s) => ({
        targets: Array.isArray(s.targets)
          ? s.targets.filter((t: unknown): t is string => typeof t === 'string')
          : [],
        ringSeconds: s.ringSeconds,
      })),
      // A mailbox without a target is the extension's own.
      finalDestination: destination(
        ext.final_kind,
        ext.final_target ?? (ext.final_kind === 'voicemail' ? ext.number : null),
      ),
    };
  }

  async menu(number: string): Promise<MenuInfo | undefined> {
    const [m] = await this.sql.query<MenuRow>('directory_menu', MENU, [number]);
    if (!m?.number) return undefined;
    return { id: m.id, number: m.number, name: m.name, enabled: m.enabled };
  }

  async conferenceRoom(number: string): Promise<ConferenceRoomInfo | undefined> {
    const [r] = await this.sql.query<ConferenceRoomRow>('directory_conference_room', CONFERENCE_ROOM, [
      number,
    ]);
    if (!r) return undefined;
    return {
      number: r.number,
      name: r.name,
      enabled: r.enabled,
      hasPin: r.has_pin,
      maxParticipants: r.max_participants,
      announceJoin: r.announce_join,
    };
  }
}

/** A stored fallback kind + target; a kind that needs a target but has none is 480 (`none`). */
function destination(kind: FallbackKind, target: string | null): NoAnswerDestination {
  if (kind === 'none' || kind === 'hangup' || kind === 'busy') return { kind };
  return target ? { kind, target } : { kind: 'none' };
}
