import type { PrismaClient, Trunk } from '../generated/prisma/client.js';
import type { SecretBox } from '../secret-box.js';

/** Additional authenticated data of a sealed trunk password (SecretBox `context`). */
export const TRUNK_PASSWORD_CONTEXT = 'switchboard:trunk-password';

/** A trunk as the SIP side uses it: the password decrypted, never the sealed column. */
export type TrunkSettings = Omit<Trunk, 'passwordEncrypted'> & {
  /** The digest password; undefined for an IP-authenticated trunk (or one without a stored password). */
  password: string | undefined;
};

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
  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
  ) {}

  async listEnabled(): Promise<TrunkSettings[]> {
    const rows = await this.prisma.trunk.findMany({ where: { enabled: true }, orderBy: { name: 'asc' } });
    return rows.map((row) => this.open(row));
  }

  async listAll(): Promise<TrunkSettings[]> {
    const rows = await this.prisma.trunk.findMany({ orderBy: { name: 'asc' } });
    return rows.map((row) => this.open(row));
  }

  async findByName(name: string): Promise<TrunkSettings | undefined> {
    const row = await this.prisma.trunk.findUnique({ where: { name } });
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
