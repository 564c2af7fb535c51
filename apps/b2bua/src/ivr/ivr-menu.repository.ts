import type { PrismaClient } from '@switchboard/db';
import {
  menuOptionsSchema,
  routeDestinationSchema,
  type MenuOption,
  type RouteDestination,
} from '@switchboard/plugin-sdk';

/** One auto-attendant menu as the B2BUA runs it (edited in the admin app, `ivr_menus`). */
export interface IvrMenuRow {
  readonly id: string;
  readonly number: string | null;
  readonly name: string;
  readonly enabled: boolean;
  /** The uploaded greeting under the data directory; null = the built-in tone prompt. */
  readonly greetingPath: string | null;
  readonly options: readonly MenuOption[];
  readonly directDial: boolean;
  readonly interDigitTimeoutMs: number;
  readonly responseTimeoutMs: number;
  readonly timeoutDestination: RouteDestination | null;
  readonly invalidDestination: RouteDestination | null;
  readonly repeatCount: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type StoredMenu = Awaited<ReturnType<PrismaClient['ivrMenu']['findUnique']>>;

/** Menus and the extension numbers a menu may dial directly, from PostgreSQL. */
export class IvrMenuRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** By id (a plan's `menu(id)`); an id that is no UUID is no menu (not a database error). */
  async byId(id: string): Promise<IvrMenuRow | undefined> {
    if (!UUID.test(id)) return undefined;
    return rowOf(await this.prisma.ivrMenu.findUnique({ where: { id } }));
  }

  /** By its dialable number (a menu destination of another menu). */
  async byNumber(number: string): Promise<IvrMenuRow | undefined> {
    return rowOf(await this.prisma.ivrMenu.findUnique({ where: { number } }));
  }

  /** Direct dial: is `number` an enabled extension? */
  async isExtension(number: string): Promise<boolean> {
    const ext = await this.prisma.extension.findUnique({ where: { number }, select: { enabled: true } });
    return ext?.enabled === true;
  }
}

/** Stored JSON is read with the plugin SDK's schemas; a value edited by hand into nonsense counts as none. */
function rowOf(row: StoredMenu): IvrMenuRow | undefined {
  if (!row) return undefined;
  const options = menuOptionsSchema.safeParse(row.options);
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    enabled: row.enabled,
    greetingPath: row.greetingPath,
    options: options.success ? options.data : [],
    directDial: row.directDial,
    interDigitTimeoutMs: row.interDigitTimeoutMs,
    responseTimeoutMs: row.responseTimeoutMs,
    timeoutDestination: destinationOf(row.timeoutDestination),
    invalidDestination: destinationOf(row.invalidDestination),
    repeatCount: row.repeatCount,
  };
}

function destinationOf(value: unknown): RouteDestination | null {
  const parsed = routeDestinationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
