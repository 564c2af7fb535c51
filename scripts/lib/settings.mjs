// The data directory's settings file (`<data>/settings.env`, mode 0600): what `npm start` decided on the
// first run and must keep (the SIP domain, which is the digest realm every stored SIP password is hashed
// for) plus how to reach this installation's PostgreSQL and Redis, so `pnpm switchboard …` works from a
// plain shell. Format: KEY=value lines (read by apps/admin/src/cli/settings-file.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function settingsFile(dataDir) {
  return path.join(dataDir, 'settings.env');
}

export function readSettings(file) {
  if (!fs.existsSync(file)) return {};
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** A realm that does not change with the IP address: the host name when it is a valid DNS name. */
export function stableDomainName(hostName = os.hostname()) {
  const name = hostName.toLowerCase();
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(name)
    ? name
    : 'switchboard';
}

/**
 * The SIP domain: SWITCHBOARD_SIP_DOMAIN when set, else the stored one, else (first run) a stable
 * name. An installation seeded before settings existed keeps the address it has hashed passwords for.
 */
export function chooseSipDomain({ env, stored, firstRun, previousDefault, hostName }) {
  if (env.SWITCHBOARD_SIP_DOMAIN) return env.SWITCHBOARD_SIP_DOMAIN;
  if (stored.SWITCHBOARD_SIP_DOMAIN) return stored.SWITCHBOARD_SIP_DOMAIN;
  return firstRun ? stableDomainName(hostName) : previousDefault;
}

export function writeSettings(file, values) {
  const lines = [
    '# Written by `npm start`. SWITCHBOARD_SIP_DOMAIN is the digest realm of every stored SIP password:',
    '# changing it invalidates them all. Variables set in the environment win over this file.',
    ...Object.entries(values).map(([k, v]) => `${k}=${v}`),
  ];
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
