// scripts/lib/settings.mjs: the stable SIP domain (= digest realm) `npm start` fixes on the first run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chooseSipDomain,
  readSettings,
  stableDomainName,
  writeSettings,
} from '../../../scripts/lib/settings.mjs';
import { parseSettings } from '../src/cli/settings-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('first-run settings', () => {
  it('picks a name, not an address, on the first run and keeps the stored one afterwards', () => {
    expect(stableDomainName('Office-PBX')).toBe('office-pbx');
    expect(stableDomainName('bad_host name')).toBe('switchboard');
    const first = chooseSipDomain({
      env: {},
      stored: {},
      firstRun: true,
      previousDefault: '192.0.2.7',
      hostName: 'desk',
    });
    expect(first).toBe('desk');
    // The LAN address changed since: the stored realm stays, so stored SIP passwords still work.
    expect(
      chooseSipDomain({
        env: {},
        stored: { SWITCHBOARD_SIP_DOMAIN: 'desk' },
        firstRun: false,
        previousDefault: '10.0.0.9',
      }),
    ).toBe('desk');
    // An installation seeded before settings existed keeps the address its passwords were hashed for.
    expect(chooseSipDomain({ env: {}, stored: {}, firstRun: false, previousDefault: '192.0.2.7' })).toBe(
      '192.0.2.7',
    );
    expect(
      chooseSipDomain({
        env: { SWITCHBOARD_SIP_DOMAIN: 'pbx.example' },
        stored: { SWITCHBOARD_SIP_DOMAIN: 'desk' },
        firstRun: false,
        previousDefault: 'x',
      }),
    ).toBe('pbx.example');
  });

  it('writes a 0600 file that both the start script and the CLI read back', () => {
    const file = path.join(dir, 'settings.env');
    const values = { SWITCHBOARD_SIP_DOMAIN: 'desk', DATABASE_URL: 'postgresql://u:p=w@127.0.0.1:5/db' };
    writeSettings(file, values);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readSettings(file)).toEqual(values);
    expect(parseSettings(`# c\n${'DATABASE_URL'}=${values.DATABASE_URL}\n`)).toEqual({
      DATABASE_URL: values.DATABASE_URL,
    });
  });
});
