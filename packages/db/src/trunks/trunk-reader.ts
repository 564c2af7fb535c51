import type { PrismaClient, Trunk } from '../generated/prisma/client.js';
import { preparedSqlOf, type PreparedSql } from '../prepared-sql.js';
import type { SecretBox } from '../secret-box.js';

/** Additional authenticated data of a sealed trunk password (SecretBox `context`). */
export const TRUNK_PASSWORD_CONTEXT = 'switchboard:trunk-password';

/** A trunk as the SIP side uses it: the password decrypted, never the sealed column. */
export type TrunkSettings = Omit<Trunk, 'passwordEncrypted'> & {
  /** The digest password; undefined for an IP-authenticated trunk (or one without a stored password). */
  password: string | undefined;
};

/**
 * `findByName` as a prepared statement: the B2BUA reads the trunk for every trunk call, and Prisma's
 * findUnique costs ~1 ms of CPU in its query compiler. The columns under the Trunk model's field
 * names, enums as their text and a NULL list as [] (what Prisma gives).
 */
const FIND_BY_NAME = `
  SELECT id::text AS "id", name AS "name", enabled AS "enabled", host AS "host", port AS "port",
    transport::text AS "transport", outbound_proxy AS "outboundProxy",
    auth_username AS "authUsername", password_encrypted AS "passwordEncrypted",
    register AS "register", register_expiry AS "registerExpiry",
    from_user AS "fromUser", from_domain AS "fromDomain", did_source::text AS "didSource",
    caller_id_mode::text AS "callerIdMode", send_privacy AS "sendPrivacy",
    caller_id_number AS "callerIdNumber", COALESCE(codecs, '{}') AS "codecs",
    max_concurrent_calls AS "maxConcurrentCalls", COALESCE(inbound_sources, '{}') AS "inboundSources",
    created_at AS "createdAt", updated_at AS "updatedAt"
  FROM trunks WHERE name = $1`;

/** Seals a trunk password for the `passwordEncrypted` column. */
export function sealTrunkPassword(box: SecretBox, password: string): string {
  return box.encrypt(password, TRUNK_PASSWORD_CONTEXT);
}

/**
 * Read side of the `trunks` table shared by the B2BUA (registrations, calls) and the routing plugins:
 * rows with their password opened by the data directory's key. A password that does not decrypt (the
 * data directory's key was replaced) throws SecretBoxError naming the trunk, rather than sending a
 * wrong password to the provider.
 */
export class TrunkReader {
  private readonly sql: PreparedSql;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
  ) {
    this.sql = preparedSqlOf(prisma);
  }

  async listEnabled(): Promise<TrunkSettings[]> {
    const rows = await this.prisma.trunk.findMany({ where: { enabled: true }, orderBy: { name: 'asc' } });
    return rows.map((row) => this.open(row));
  }

  async listAll(): Promise<TrunkSettings[]> {
    const rows = await this.prisma.trunk.findMany({ orderBy: { name: 'asc' } });
    return rows.map((row) => this.open(row));
  }

  /** The trunk of a call (read for each call: a change applies to the next call). */
  async findByName(name: string): Promise<TrunkSettings | undefined> {
    const [row] = await this.sql.query<Trunk>('trunk_by_name', FIND_BY_NAME, [name]);
    return row ? this.open(row) : undefined;
  }

  async findById(id: string): Promise<TrunkSettings | undefined> {
    const row = await this.prisma.trunk.findUnique({ where: { id } });
    return row ? this.open(row) : undefined;
  }

  private open(row: Trunk): TrunkSettings {
    const { passwordEncrypted, ...rest } = row;
    let password: string | undefined;
    if (passwordEncrypted !== null) {
      try {
        password = this.secrets.decrypt(passwordEncrypted, TRUNK_PASSWORD_CONTEXT);
      } catch (e) {
        if (e instanceof Error) e.message = `trunk "${row.name}": ${e.message}`;
        throw e;
      }
    }
    return { ...rest, password };
  }
}
