import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A backup or restore that cannot go on: printed as is by the CLI, exit status 1. */
export class BackupError extends Error {}

/**
 * pg_dump / pg_restore of the newest PostgreSQL installed, found as scripts/lib/services.mjs finds
 * the server: `/usr/lib/postgresql/<newest>/bin` (Debian's layout; a dump tool must be at least the
 * server's version), else the PATH.
 */
export function findPostgresTool(tool: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv): string {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, 'bin', tool)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] !== undefined) return path.join(base, versions[0], 'bin', tool);
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
  }
  throw new BackupError(
    `${tool} not found (looked in ${base}/*/bin and PATH): install the PostgreSQL client (Debian: apt-get install postgresql-client)`,
  );
}

/**
 * libpq environment for a DATABASE_URL, so the password never appears on a command line (`ps`).
 * Query parameters other than sslmode are not libpq's concern here.
 */
export function libpqEnv(databaseUrl: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  const sslmode = url.searchParams.get('sslmode');
  return {
    ...env,
    PGHOST: decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')) || 'localhost',
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ...(sslmode ? { PGSSLMODE: sslmode } : {}),
  };
}

/** Runs a tool to the end; a non-zero exit is a BackupError with its stderr. */
export function runTool(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new BackupError(`${path.basename(file)}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupError(`${path.basename(file)} failed (exit ${String(code)}): ${stderr.trim()}`));
    });
  });
}
