import { createHash } from 'node:crypto';

/** Prisma's checksum of a migration: SHA-256 of migration.sql's bytes, lower-case hex. */
export function migrationChecksum(script: string | Uint8Array): string {
  return createHash('sha256').update(script).digest('hex');
}

/**
 * Whether `script` is the one recorded with `checksum`. Like Prisma's engine, a file whose line endings
 * were converted (LF <-> CRLF, e.g. by a Windows checkout) still matches.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  if (migrationChecksum(script) === checksum) return true;
  const lf = script.replaceAll('\r\n', '\n');
  return migrationChecksum(lf) === checksum || migrationChecksum(lf.replaceAll('\n', '\r\n')) === checksum;
}
