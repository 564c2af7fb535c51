import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-context.js';

/** Where `npm start` keeps its settings: `<repository>/.data/settings.env` (this file is apps/admin/{src,dist}/cli/). */
export const DEFAULT_SETTINGS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../..',
  '.data',
  'settings.env',
);

/** `KEY=value` lines as written by scripts/lib/settings.mjs; blank lines and `#` comments are skipped. */
export function parseSettings(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}

/**
 * The CLI's environment: without DATABASE_URL it reads the settings `npm start` wrote (the file named
 * by SWITCHBOARD_SETTINGS, else the repository's `.data/settings.env`), so `pnpm switchboard …` works
 * in a plain shell. Variables already set always win over the file.
 */
export function withSettingsFile(
  env: NodeJS.ProcessEnv,
  defaultFile = DEFAULT_SETTINGS_FILE,
): NodeJS.ProcessEnv {
  const named = env.SWITCHBOARD_SETTINGS;
  if (named === undefined && env.DATABASE_URL) return env;
  const file = named ?? defaultFile;
  if (!fs.existsSync(file)) {
    if (named !== undefined) throw new CliError(`SWITCHBOARD_SETTINGS: ${file} does not exist`);
    return env;
  }
  const fromFile = parseSettings(fs.readFileSync(file, 'utf8'));
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Named in the result, so commands that update the file (restore) know which one is in use.
  return { ...fromFile, ...set, SWITCHBOARD_SETTINGS: file };
}
