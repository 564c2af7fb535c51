import crypto from 'node:crypto';
import { loadConfig, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, migrate, withDatabase } from '@switchboard/db';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\` at the repository root`);
  return value;
}

/** A freshly migrated database of its own for one test file, dropped by `drop()`. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = requiredEnv('DATABASE_URL');
  const name = `switchboard_b2bua_${crypto.randomBytes(4).toString('hex')}`;
  const url = withDatabase(base, name);
  await migrate(url, { log: () => undefined });
  return {
    url,
    drop: async () => {
      const admin = createPrismaClient(withDatabase(base, 'postgres'));
      try {
        await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.$disconnect();
      }
    },
  };
}

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): SwitchboardConfig {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: requiredEnv('REDIS_URL'),
    SWITCHBOARD_SIP_DOMAIN: 'pbx.test',
    SWITCHBOARD_LOG_LEVEL: 'silent',
    // Calls are relayed through rtpengine only in the tests that start one (media-relay tests).
    SWITCHBOARD_MEDIA_MODE: 'direct',
    // One port per host: relay-mode tests run side by side; the RFC 4733 feature-code test sets its own.
    SWITCHBOARD_RTPENGINE_DTMF_PORT: '0',
    // The shared test machine starves processes for 100 ms and more (load average 40 on 2 cores):
    // overload control's event-loop and intake-delay bounds would refuse test calls; overload tests set
    // their bounds.
    SWITCHBOARD_OVERLOAD_MAX_LOOP_LAG_MS: '0',
    SWITCHBOARD_OVERLOAD_MAX_INTAKE_DELAY_MS: '0',
    // Hold tests check the relayed hold itself; music on hold adds re-INVITEs, its own tests turn it on.
    SWITCHBOARD_MUSIC_ON_HOLD: 'off',
    ...env,
  });
}
