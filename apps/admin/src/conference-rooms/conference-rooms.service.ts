import { Inject, Injectable } from '@nestjs/common';
import type { ConferenceRoom } from '@switchboard/db';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { hashPassword } from '../auth/password-hasher.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import type {
  ConferenceRoomView,
  CreateConferenceRoomInput,
  UpdateConferenceRoomInput,
} from './conference-room.schemas.js';

function toView(row: ConferenceRoom): ConferenceRoomView {
  const { pinHash, createdAt, updatedAt, ...fields } = row;
  return {
    ...fields,
    hasPin: pinHash !== null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

/**
 * Conference rooms: CRUD with the PIN stored as an argon2 hash (never returned, never in the audit
 * log: `hasPin` only). The routing workers read rooms on each call, so no change message is needed.
 */
@Injectable()
export class ConferenceRoomsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async list(): Promise<ConferenceRoomView[]> {
    const rows = await this.prisma.conferenceRoom.findMany({ orderBy: { number: 'asc' } });
    return rows.map(toView);
  }

  async get(id: string): Promise<ConferenceRoomView> {
    return toView(await this.findRow(id));
  }

  async findByNumber(number: string): Promise<ConferenceRoomView> {
    const row = await this.prisma.conferenceRoom.findUnique({ where: { number } });
    if (!row) throw notFound(`conference room ${number}`);
    return toView(row);
  }

  async create(actor: AuditActor, input: CreateConferenceRoomInput): Promise<ConferenceRoomView> {
    const { pin, ...fields } = input;
    try {
      const row = await this.prisma.conferenceRoom.create({
        data: { ...fields, pinHash: pin === null ? null : await hashPassword(pin) },
      });
      const view = toView(row);
      await this.audit.record(actor, {
        action: 'create',
        entity: 'conference_room',
        entityId: row.id,
        after: view,
      });
      return view;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('number', `room ${input.number} already exists`);
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateConferenceRoomInput): Promise<ConferenceRoomView> {
    const before = await this.findRow(id);
    const { pin, ...fields } = input;
    try {
      const row = await this.prisma.conferenceRoom.update({
        where: { id },
        data: {
          ...fields,
          ...(pin !== undefined ? { pinHash: pin === null ? null : await hashPassword(pin) } : {}),
        },
      });
      const after = toView(row);
      await this.audit.record(actor, {
        action: 'update',
        entity: 'conference_room',
        entityId: id,
        before: toView(before),
        after: { ...after, ...(pin !== undefined ? { secretChanged: true } : {}) },
      });
      return after;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('number', `room ${input.number ?? ''} already exists`);
      throw error;
    }
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const before = await this.findRow(id);
    await this.prisma.conferenceRoom.delete({ where: { id } });
    await this.audit.record(actor, {
      action: 'delete',
      entity: 'conference_room',
      entityId: id,
      before: toView(before),
    });
  }

  private async findRow(id: string): Promise<ConferenceRoom> {
    const row = await this.prisma.conferenceRoom.findUnique({ where: { id } });
    if (!row) throw notFound('conference room');
    return row;
  }
}
