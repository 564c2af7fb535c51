import { Inject, Injectable } from '@nestjs/common';
import type { IvrMenu } from '@switchboard/db';
import { menuOptionsSchema, routeDestinationSchema, type RouteDestination } from '@switchboard/plugin-sdk';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import { Prisma, type PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import type { CreateIvrMenuInput, IvrMenuView, UpdateIvrMenuInput } from './ivr-menu.schemas.js';
import { IvrMenuGreetingsService } from './ivr-menu-greetings.service.js';

/** A stored destination read back; a value edited by hand into something else shows as none. */
function destinationOf(value: unknown): RouteDestination | null {
  const parsed = routeDestinationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function toView(row: IvrMenu): IvrMenuView {
  const { greetingPath, createdAt, updatedAt, options, timeoutDestination, invalidDestination, ...fields } =
    row;
  const parsedOptions = menuOptionsSchema.safeParse(options);
  return {
    ...fields,
    options: parsedOptions.success ? parsedOptions.data : [],
    timeoutDestination: destinationOf(timeoutDestination),
    invalidDestination: destinationOf(invalidDestination),
    hasGreeting: greetingPath !== null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

/** A nullable JSON column: SQL NULL for null (Prisma needs its marker), the value otherwise. */
function json(value: RouteDestination | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : value;
}

function data(input: UpdateIvrMenuInput) {
  const { timeoutDestination, invalidDestination, options, ...fields } = input;
  return {
    ...fields,
    ...(options !== undefined ? { options } : {}),
    ...(timeoutDestination !== undefined ? { timeoutDestination: json(timeoutDestination) } : {}),
    ...(invalidDestination !== undefined ? { invalidDestination: json(invalidDestination) } : {}),
  };
}

/**
 * Auto-attendant menus: CRUD of the menu and its key map (validated with the plugin SDK's
 * `menuOptionsSchema`, the same the B2BUA reads them with). The routing workers and the B2BUA read
 * menus on each call, so no change message is needed.
 */
@Injectable()
export class IvrMenusService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(IvrMenuGreetingsService) private readonly greetings: IvrMenuGreetingsService,
  ) {}

  async list(): Promise<IvrMenuView[]> {
    const rows = await this.prisma.ivrMenu.findMany({ orderBy: [{ number: 'asc' }, { name: 'asc' }] });
    return rows.map(toView);
  }

  async get(id: string): Promise<IvrMenuView> {
    return toView(await this.findRow(id));
  }

  async findByNumber(number: string): Promise<IvrMenuView> {
    const row = await this.prisma.ivrMenu.findUnique({ where: { number } });
    if (!row) throw notFound(`menu ${number}`);
    return toView(row);
  }

  async create(actor: AuditActor, input: CreateIvrMenuInput): Promise<IvrMenuView> {
    try {
      const row = await this.prisma.ivrMenu.create({ data: { ...data(input), name: input.name } });
      const view = toView(row);
      await this.audit.record(actor, { action: 'create', entity: 'ivr_menu', entityId: row.id, after: view });
      return view;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('number', `number ${input.number ?? ''} is taken`);
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateIvrMenuInput): Promise<IvrMenuView> {
    const before = await this.findRow(id);
    try {
      const row = await this.prisma.ivrMenu.update({ where: { id }, data: data(input) });
      const after = toView(row);
      await this.audit.record(actor, {
        action: 'update',
        entity: 'ivr_menu',
        entityId: id,
        before: toView(before),
        after,
      });
      return after;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('number', `number ${input.number ?? ''} is taken`);
      throw error;
    }
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const before = await this.findRow(id);
    await this.prisma.ivrMenu.delete({ where: { id } });
    await this.greetings.menuDeleted(before.greetingPath);
    await this.audit.record(actor, {
      action: 'delete',
      entity: 'ivr_menu',
      entityId: id,
      before: toView(before),
    });
  }

  private async findRow(id: string): Promise<IvrMenu> {
    const row = await this.prisma.ivrMenu.findUnique({ where: { id } });
    if (!row) throw notFound('menu');
    return row;
  }
}
