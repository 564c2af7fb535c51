import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits at packages/db/{src,dist}/paths.*, three levels below the repository root.
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The repository's prisma/ directory, or SWITCHBOARD_PRISMA_DIR when set (e.g. in a container image). */
export function defaultPrismaDir(): string {
  const fromEnv = process.env['SWITCHBOARD_PRISMA_DIR'];
  return fromEnv !== undefined && fromEnv !== ''
    ? path.resolve(fromEnv)
    : path.join(repositoryRoot, 'prisma');
}

export function defaultMigrationsDir(): string {
  return path.join(defaultPrismaDir(), 'migrations');
}

export function defaultSchemaPath(): string {
  return path.join(defaultPrismaDir(), 'schema.prisma');
}
