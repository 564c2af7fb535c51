// `switchboard` commands that mirror the admin UI (issue #23, "CLI parity"), against real PostgreSQL
// and Redis: each goes through the admin's services, so the same validation and audit entries apply.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ProcessHeartbeat, redisKeys } from '@switchboard/live-state';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/switchboard-cli.js';
import { CliContext } from '../src/cli/cli-context.js';
import { cliEnv, cliRunner } from './support/cli-runner.js';
import { addLiveCall, standInPluginWorker, standInSignalling } from './support/live-stand-ins.js';
import { createTestServers, type TestServers } from './support/test-environment.js';

let servers: TestServers;
const cli = cliRunner(() => servers);

beforeAll(async () => {
  servers = await createTestServers(1);
  for (const [number, name] of [
    ['1001', 'Alice'],
    ['1002', 'Bob'],
    ['1003', 'Carol'],
  ] as const) {
    expect((await cli('extension', 'add', number, name)).code).toBe(0);
  }
});

afterAll(async () => {
  await servers?.dispose();
});

/** Every command's words (`ring-group edit`), leaves only. */
function leafCommands(command: Command, prefix: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length === 0 ? [{ path, command: c }] : leafCommands(c, path);
  });
}

describe('help, version and errors', () => {
  it('gives every command a description and its own --help', async () => {
    const program = buildProgram(() => new CliContext({}), { out: () => undefined, err: () => undefined });
    const leaves = leafCommands(program);
    expect(leaves.map((l) => l.path.join(' '))).toEqual(
      expect.arrayContaining(['ring-group edit', 'follow-me set', 'call hangup', 'registration list']),
    );
    for (const { path, command } of leaves) {
      expect(command.description(), path.join(' ')).not.toBe('');
      const help = await cli(...path, '--help');
      expect(help.code, path.join(' ')).toBe(0);
      expect(help.out).toContain(`Usage: switchboard ${path.join(' ')}`);
      // commander wraps long lines at 80 columns
      expect(help.out.replace(/\s+/g, ' ')).toContain(command.description());
    }
  });

  it('exits 1 with a message and a hint for an unknown command or option, never a stack trace', async () => {
    const unknown = await cli('extension', 'frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    expect(unknown.err).toContain('(add --help for usage)');
    const option = await cli('ring-group', 'edit', '600', '--colour', 'red');
    expect(option.code).toBe(1);
    expect(option.err).toContain("unknown option '--colour'");
    const missing = await cli('follow-me', 'show', '4242');
    expect(missing).toEqual({ code: 1, out: '', err: 'switchboard: no extension 4242\n' });
  });
});

describe('extension edit and show', () => {
  it('edits what the extension form edits (digest, recording, enabled) and shows the extension', async () => {
    const edited = await cli(
      'extension',
      'edit',
      '1003',
      '--digest',
      'MD5',
      '--record',
      'on',
      '--enabled',
      'off',
    );
    expect(edited.code).toBe(0);
    expect(await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1003' } })).toMatchObject({
      digestAlgorithms: ['MD5'],
      recordCalls: true,
      enabled: false,
    });
    const shown = await cli('extension', 'show', '1003');
    expect(shown.out).toMatch(/name\s+Carol\n/);
    expect(shown.out).toMatch(/enabled\s+no\n/);
    expect(shown.out).toMatch(/digest\s+MD5\n/);
    expect(shown.out).toMatch(/record calls\s+yes\n/);
    expect(shown.out).toMatch(/voicemail\s+none\n/);
    expect(JSON.parse((await cli('extension', 'show', '1003', '--json')).out)).toMatchObject({
      number: '1003',
      recordCalls: true,
    });
    await cli('extension', 'edit', '1003', '--enabled', 'on', '--digest', 'default', '--record', 'off');
    expect((await cli('extension', 'show', '4242')).err).toBe('switchboard: no extension 4242\n');
  });

  it('sets the call pickup groups and the directed-pickup opt-out, with the API validation', async () => {
    const edited = await cli(
      'extension',
      'edit',
      '1003',
      '--pickup-groups',
      'Sales, support',
      '--directed-pickup',
      'off',
    );
    expect(edited.code).toBe(0);
    expect(await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1003' } })).toMatchObject({
      pickupGroups: ['sales', 'support'],
      directedPickup: false,
    });
    const shown = await cli('extension', 'show', '1003');
    expect(shown.out).toMatch(/pickup groups\s+sales,support\n/);
    expect(shown.out).toMatch(/directed pickup\s+pickup groups only\n/);
    const bad = await cli('extension', 'edit', '1003', '--pickup-groups', 'a b');
    expect(bad).toMatchObject({
      code: 1,
      err: 'switchboard: pickupGroups: each group must be 1 to 32 letters, digits, - or _ (starting with a letter or digit)\n',
    });
    await cli('extension', 'edit', '1003', '--pickup-groups', 'none', '--directed-pickup', 'on');
    expect(await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1003' } })).toMatchObject({
      pickupGroups: [],
      directedPickup: true,
    });
  });
});

describe('ring-group edit, show and remove', () => {
  it('edits only the options given, with the API validation and an audit entry', async () => {
    expect((await cli('ring-group', 'add', '600', 'Sales', '--members', '1001,1002')).code).toBe(0);
    const noTarget = await cli('ring-group', 'edit', '600', '--fallback', 'voicemail');
    expect(noTarget).toMatchObject({
      code: 1,
      err: 'switchboard: fallbackTarget: is required when fallbackKind is voicemail\n',
    });
    const badMember = await cli('ring-group', 'edit', '600', '--members', '1003,4040');
    expect(badMember.err).toBe('switchboard: members.1.extension: no extension 4040\n');
    const edited = await cli(
      'ring-group',
      'edit',
      '600',
      '--name',
      'Sales desk',
      '--strategy',
      'hunt',
      '--members',
      '1003,1001:20',
      '--fallback',
      'voicemail',
      '--fallback-target',
      '1001',
      '--record',
      'on',
    );
    expect(edited).toMatchObject({ code: 0, out: 'updated ring group 600 (Sales desk)\n' });
    const shown = await cli('ring-group', 'show', '600');
    expect(shown.out).toMatch(/strategy\s+hunt/);
    expect(shown.out).toMatch(/fallback\s+voicemail 1001/);
    expect(shown.out).toMatch(/record calls\s+yes/);
    expect(shown.out).toContain('members           1003 (Carol), 1001 (Alice) 20s');
    const json = JSON.parse((await cli('ring-group', 'show', '600', '--json')).out) as {
      ringTimeSeconds: number;
      members: { number: string; ringSeconds: number | null }[];
    };
    expect(json.ringTimeSeconds).toBe(30);
    expect(json.members).toMatchObject([
      { number: '1003', ringSeconds: null },
      { number: '1001', ringSeconds: 20 },
    ]);
    expect((await cli('ring-group', 'edit', '600', '--record', 'maybe')).err).toContain(
      "argument 'maybe' is invalid. Allowed choices are on, off",
    );
    expect((await cli('ring-group', 'edit', '600')).err).toBe(
      'switchboard: nothing to change: give at least one option\n',
    );
    const audit = await servers.prisma.auditLog.findFirstOrThrow({
      where: { entity: 'ring_group', action: 'update', actor: 'cli' },
    });
    expect(audit.before).toMatchObject({ name: 'Sales', strategy: 'ringall' });
    expect(audit.after).toMatchObject({ name: 'Sales desk', strategy: 'hunt', recordCalls: true });
  });

  it('removes a ring group, then says it does not exist', async () => {
    expect((await cli('ring-group', 'remove', '600')).out).toBe('removed ring group 600\n');
    expect(await servers.prisma.ringGroup.count()).toBe(0);
    expect((await cli('ring-group', 'remove', '600')).err).toBe('switchboard: no ring group 600\n');
    expect((await cli('ring-group', 'list')).out).toBe('no ring groups\n');
  });
});

describe('follow-me', () => {
  it('sets steps in order, numbering them as the admin page does in errors', async () => {
    const set = await cli(
      'follow-me',
      'set',
      '1001',
      '--step',
      '25:1002,+15551234',
      '--step',
      'sip:alice@mobile.example',
    );
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/^follow-me of 1001: enabled\n/);
    expect(set.out).toMatch(/1\s+25s\s+1002, \+15551234\n/);
    expect(set.out).toMatch(/2\s+20s\s+sip:alice@mobile.example\n/);
    expect(set.out).toContain('after the last step: nobody (480 Temporarily Unavailable: no voicemail box)');
    const steps = await servers.prisma.followMeStep.findMany({ orderBy: { position: 'asc' } });
    expect(steps.map((s) => [s.position, s.targets, s.ringSeconds])).toEqual([
      [0, ['1002', '+15551234'], 25],
      [1, ['sip:alice@mobile.example'], 20],
    ]);
    const bad = await cli('follow-me', 'set', '1001', '--step', '1002', '--step', '3:not a number,1003');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      'switchboard: step 2, target 1: must be a phone number or a sip: URI\nstep 2, ring time: must be at least 5\n',
    );
    expect((await cli('follow-me', 'set', '1001', '--step', '20:')).err).toBe(
      'switchboard: step 1, targets: needs at least one target\n',
    );
    // Refused input left the saved steps alone.
    expect(await servers.prisma.followMeStep.count()).toBe(2);
  });

  it('shows, turns off and clears follow-me; the last step leads to voicemail when the box is on', async () => {
    await cli('extension', 'edit', '1001', '--voicemail', 'on');
    const off = await cli('follow-me', 'set', '1001', '--enabled', 'off');
    expect(off.out).toMatch(/^follow-me of 1001: disabled\n/);
    expect(off.out).toContain('after the last step: the voicemail box of 1001');
    expect(JSON.parse((await cli('follow-me', 'show', '1001', '--json')).out)).toEqual({
      enabled: false,
      steps: [
        { targets: ['1002', '+15551234'], ringSeconds: 25 },
        { targets: ['sip:alice@mobile.example'], ringSeconds: 20 },
      ],
      finalDestination: { kind: 'voicemail', target: null },
    });
    expect((await cli('follow-me', 'set', '1001')).err).toContain('nothing to change');
    expect((await cli('follow-me', 'clear', '1001')).out).toBe('follow-me of 1001 cleared\n');
    expect((await cli('follow-me', 'show', '1001')).out).toBe(
      'follow-me of 1001: disabled\nno steps\nafter the last step: the voicemail box of 1001\n',
    );
    const audits = await servers.prisma.auditLog.count({ where: { entity: 'follow_me', actor: 'cli' } });
    expect(audits).toBe(3);
  });

  it('sets the final destination after the last step, checked as the API checks it', async () => {
    const toGroup = await cli(
      'follow-me',
      'set',
      '1002',
      '--step',
      '1003',
      '--final',
      'extension',
      '--final-target',
      '1001',
    );
    expect(toGroup.out).toContain('after the last step: extension 1001\n');
    expect(await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1002' } })).toMatchObject({
      followMeFinalKind: 'extension',
      followMeFinalTarget: '1001',
    });
    expect((await cli('follow-me', 'set', '1002', '--final', 'busy')).out).toContain(
      'after the last step: busy (486)\n',
    );
    // Steps given before stay when only the destination changes.
    expect((await cli('follow-me', 'show', '1002')).out).toMatch(/1\s+20s\s+1003\n/);
    expect((await cli('follow-me', 'set', '1002', '--final', 'ring_group')).err).toBe(
      'switchboard: final destination: is required for ring_group\n',
    );
    expect(
      (await cli('follow-me', 'set', '1002', '--final', 'ring_group', '--final-target', '777')).code,
    ).toBe(1);
    expect((await cli('follow-me', 'set', '1002', '--final', 'moon')).err).toContain(
      'final destination: must be one of',
    );
    expect((await cli('follow-me', 'set', '1002', '--final-target', '1001')).err).toBe(
      'switchboard: --final-target needs --final\n',
    );
    await cli('follow-me', 'clear', '1002');
  });
});

describe('registrations and calls', () => {
  it('lists live registrations with the phone name, else the extension name', async () => {
    expect((await cli('registration', 'list')).out).toBe('no registrations\n');
    const now = Date.now();
    const bind = async (number: string, displayName?: string) => {
      const aor = `sip:${number}@pbx.cli`;
      await servers.redis.zadd(redisKeys.registrations, now + 60_000, aor);
      await servers.redis.hset(redisKeys.registration(aor), {
        c: JSON.stringify({
          aor,
          contact: `sip:${number}@127.0.0.1:5070`,
          expiresAt: now + 60_000,
          userAgent: 'Desk phone',
          sourceAddress: '127.0.0.1:5070',
          transport: 'udp',
          ...(displayName ? { displayName } : {}),
        }),
      });
    };
    await bind('1002');
    await bind('1003', 'Reception\u001b[31m');
    const list = await cli('registrations', 'list');
    expect(list.out.split('\n')[0]).toMatch(/^AOR\s+NAME\s+CONTACT\s+USER AGENT\s+SOURCE\s+EXPIRES IN$/);
    expect(list.out).toMatch(
      /sip:1002@pbx.cli\s+Bob\s+sip:1002@127.0.0.1:5070\s+Desk phone\s+127.0.0.1:5070 \(udp\)/,
    );
    expect(list.out).toMatch(/sip:1003@pbx.cli\s+Reception\\x1b\[31m\s+/);
    const json = JSON.parse((await cli('registration', 'list', '--json')).out) as {
      aor: string;
      name: string;
    }[];
    expect(json.map((r) => [r.aor, r.name])).toEqual([
      ['sip:1002@pbx.cli', 'Bob'],
      ['sip:1003@pbx.cli', 'Reception\u001b[31m'],
    ]);
  });

  it('lists call history with the API filters, as a table, JSON or CSV', async () => {
    const base = Date.parse('2026-03-02T09:00:00Z');
    await servers.prisma.callRecord.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({
        id: `cli-call-${i}`,
        callerNumber: i % 2 === 0 ? '1001' : '1002',
        callerName: i === 0 ? 'Alice' : null,
        calleeNumber: '1003',
        answeredBy: i % 2 === 0 ? '1003' : null,
        startedAt: new Date(base + i * 86_400_000),
        answeredAt: i % 2 === 0 ? new Date(base + i * 86_400_000 + 4_000) : null,
        endedAt: new Date(base + i * 86_400_000 + 64_000),
        disposition: i % 2 === 0 ? ('answered' as const) : ('no_answer' as const),
      })),
    });
    const all = await cli('call', 'list');
    expect(all.out.split('\n')[0]).toMatch(
      /^STARTED\s+FROM\s+TO\s+ANSWERED BY\s+DURATION\s+DISPOSITION\s+ID$/,
    );
    expect(all.out).toMatch(
      /2026-03-02 09:00:00Z\s+Alice <1001>\s+1003\s+1003\s+60s\s+answered\s+cli-call-0/,
    );
    expect(all.out).toContain('page 1 of 1 (5 calls)');
    const filtered = JSON.parse(
      (await cli('calls', 'list', '--number', '1002', '--from', '2026-03-03', '--to', '2026-03-04', '--json'))
        .out,
    ) as { items: { id: string }[]; total: number };
    expect(filtered.items.map((c) => c.id)).toEqual(['cli-call-1']);
    const paged = await cli('call', 'list', '--disposition', 'answered', '--page-size', '2', '--page', '2');
    expect(paged.out).toContain('cli-call-0');
    expect(paged.out).toContain('page 2 of 2 (3 calls)');
    const csv = (await cli('call', 'list', '--csv', '--disposition', 'no_answer')).out.trim().split('\n');
    expect(csv[0]).toMatch(/^id,started_at,caller_number/);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['cli-call-3', 'cli-call-1']);
    const bad = await cli('call', 'list', '--disposition', 'lost', '--from', 'yesterday');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('from: must be a date (YYYY-MM-DD) or an ISO 8601 date-time');
    expect(bad.err).toContain('disposition: must be one of answered');
  });

  describe('live calls', () => {
    let signalling: Redis;
    const held = new Set<string>();

    beforeAll(async () => {
      signalling = await standInSignalling(servers.redis, held);
    });

    afterAll(() => signalling?.disconnect());

    it('lists live calls and hangs one up, audited as the CLI', async () => {
      const id = randomUUID();
      await addLiveCall(servers.redis, id, {
        from: 'sip:1001@pbx.cli',
        fromDisplayName: 'Alice',
        to: 'sip:1002@pbx.cli',
        startedAt: String(Date.now() - 65_000),
      });
      held.add(id);
      const live = await cli('call', 'live');
      expect(live.out).toMatch(
        new RegExp(`${id}\\s+Alice <sip:1001@pbx.cli>\\s+sip:1002@pbx.cli\\s+bridged\\s+1m0[56]s`),
      );
      expect(JSON.parse((await cli('call', 'live', '--json')).out)).toEqual([
        expect.objectContaining({ id, state: 'bridged' }),
      ]);
      expect((await cli('call', 'hangup', id.toUpperCase())).out).toBe(`call ${id} ended by stand-in\n`);
      const audit = await servers.prisma.auditLog.findFirstOrThrow({ where: { entityId: id } });
      expect(audit).toMatchObject({ actor: 'cli', action: 'hangup', entity: 'call' });
      // Still listed (the B2BUA removes it when the call ends), but no process holds it any more.
      expect((await cli('call', 'hangup', id)).err).toBe(`switchboard: active call "${id}" not found\n`);
    });

    it('refuses a malformed id and a call that is not live', async () => {
      expect((await cli('call', 'hangup', 'nope')).err).toBe('switchboard: call-id: must be a UUID\n');
      const gone = randomUUID();
      expect(await cli('call', 'hangup', gone)).toEqual({
        code: 1,
        out: '',
        err: `switchboard: active call "${gone}" not found\n`,
      });
    });
  });
});

describe('voicemail', () => {
  it('lists boxes, and sets on/off, PIN, e-mail and limits with the API validation', async () => {
    const list = await cli('voicemail', 'list');
    expect(list.out.split('\n')[0]).toMatch(
      /^NUMBER\s+NAME\s+BOX\s+PIN\s+E-MAIL\s+MESSAGES\s+UNHEARD\s+MAX LENGTH\s+MAX MESSAGES$/,
    );
    expect(list.out).toMatch(/1002\s+Bob\s+none\s+none\s+-\s+0\s+0\s+-\s+-/);
    // A first PIN creates an enabled box, as the extension form does.
    expect((await cli('voicemail', 'set', '1002', '--pin', '4321')).out).toMatch(
      /1002\s+Bob\s+on\s+set\s+-\s+0\s+0\s+180s\s+100/,
    );
    const set = await cli('voicemail', 'set', '1002', '--email', 'bob@example.com', '--max-seconds', '60');
    expect(set.out).toMatch(/1002\s+Bob\s+on\s+set\s+bob@example.com\s+0\s+0\s+60s\s+100/);
    const bad = await cli(
      'voicemail',
      'set',
      '1002',
      '--email',
      'nope',
      '--max-messages',
      '0',
      '--pin',
      '12',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('switchboard: voicemailPin: must be 4 to 12 digits\n');
    const badBox = await cli('voicemail', 'set', '1002', '--email', 'nope', '--max-messages', '0');
    expect(badBox.err).toBe(
      'switchboard: maxMessages: must be at least 1\nemail: must be an e-mail address\n',
    );
    expect((await cli('voicemail', 'set', '1002', '--enabled', 'off', '--no-pin')).code).toBe(0);
    const shown = JSON.parse((await cli('voicemail', 'show', '1002', '--json')).out) as {
      hasPin: boolean;
      box: { enabled: boolean; email: string; maxMessageSeconds: number };
    };
    expect(shown).toMatchObject({
      hasPin: false,
      box: { enabled: false, email: 'bob@example.com', maxMessageSeconds: 60 },
    });
    expect(await servers.prisma.auditLog.count({ where: { entity: 'voicemail_box', actor: 'cli' } })).toBe(2);
    expect((await cli('voicemail', 'set', '1002')).err).toContain('nothing to change');
    expect((await cli('voicemail', 'show', '4242')).err).toBe('switchboard: no extension 4242\n');
  });

  it('lists, marks, exports and deletes messages', async () => {
    const box = await servers.prisma.voicemailBox.findUniqueOrThrow({
      where: {
        extensionId: (await servers.prisma.extension.findUniqueOrThrow({ where: { number: '1002' } })).id,
      },
    });
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(40, 7)]);
    mkdirSync(path.join(servers.dataDir, 'voicemail'), { recursive: true });
    writeFileSync(path.join(servers.dataDir, 'voicemail', 'cli.wav'), wav);
    const msg = await servers.prisma.voicemailMessage.create({
      data: {
        boxId: box.id,
        callerNumber: '1001',
        callerName: 'Alice',
        durationSeconds: 7,
        wavPath: 'voicemail/cli.wav',
        idempotencyKey: 'cli-job-1',
      },
    });
    const list = await cli('voicemail', 'messages', '1002');
    expect(list.out).toMatch(new RegExp(`Alice <1001>\\s+7s\\s+no\\s+${msg.id}`));
    expect((await cli('voicemail', 'messages', '1001')).out).toBe('no messages for 1001\n');
    expect((await cli('voicemail', 'mark-heard', msg.id)).out).toBe(`message ${msg.id} marked heard\n`);
    expect(JSON.parse((await cli('voicemail', 'messages', '1002', '--json')).out)).toEqual([
      expect.objectContaining({ id: msg.id, heard: true }),
    ]);
    const file = path.join(servers.dataDir, 'exported.wav');
    expect((await cli('voicemail', 'export', msg.id, file)).out).toBe(
      `wrote ${wav.length} bytes to ${file}\n`,
    );
    expect(readFileSync(file)).toEqual(wav);
    expect((await cli('voicemail', 'export', msg.id, file)).err).toBe(
      `switchboard: ${file} exists already\n`,
    );
    expect((await cli('voicemail', 'delete', msg.id)).out).toBe(`deleted message ${msg.id}\n`);
    expect(existsSync(path.join(servers.dataDir, 'voicemail', 'cli.wav'))).toBe(false);
    expect((await cli('voicemail', 'delete', msg.id)).err).toBe('switchboard: voicemail message not found\n');
    expect((await cli('voicemail', 'delete', 'x')).err).toBe('switchboard: message-id: must be a UUID\n');
    // Marking heard and deleting each told the message-waiting notifier.
    expect(await servers.redis.lrange(redisKeys.mwiChanges('pbx.cli'), 0, -1)).toEqual(['1002', '1002']);
  });
});

describe('plugins', () => {
  let worker: ProcessHeartbeat;
  let channel: Redis;

  beforeAll(async () => {
    const configJsonSchema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        announceSteps: { type: 'boolean' },
        ringSeconds: { type: 'integer', minimum: 5, maximum: 120 },
      },
    };
    const manifest = { id: 'find-me', version: '2.0.0', enabled: true, configJsonSchema };
    await servers.redis.hset(redisKeys.pluginManifests, 'find-me', JSON.stringify(manifest));
    // One routing worker as the b2bua runs it: reports the revision it runs, applies a new one when told.
    const { config } = new CliContext(cliEnv(servers));
    worker = new ProcessHeartbeat(
      servers.redis,
      config.queuePrefix,
      { role: 'worker', pid: 4242, host: 'worker.test', startedAt: Date.now(), version: '0.1.0' },
      'cli-worker',
    );
    channel = await standInPluginWorker(servers.redis, worker);
  });

  afterAll(async () => {
    channel?.disconnect();
    await worker?.leave();
  });

  it('shows a plugin with its config and schema', async () => {
    const shown = await cli('plugin', 'show', 'find-me');
    expect(shown.out).toMatch(/version\s+2\.0\.0/);
    expect(shown.out).toMatch(/enabled\s+yes/);
    expect(shown.out).toContain('"announceSteps": {');
    expect(JSON.parse((await cli('plugin', 'show', 'find-me', '--json')).out)).toMatchObject({
      id: 'find-me',
      installed: true,
      config: {},
    });
    expect((await cli('plugin', 'show', 'nope')).err).toBe('switchboard: no plugin "nope"\n');
  });

  it('sets the config, validated against the schema, and the running worker applies it', async () => {
    const set = await cli(
      'plugin',
      'set-config',
      'find-me',
      '--set',
      'ringSeconds=25',
      '--set',
      'announceSteps=true',
    );
    expect(set.out).toMatch(
      /^plugin find-me configuration saved \(configuration revision (\d+)\): live on [01] of 1 routing worker/,
    );
    const row = await servers.prisma.pluginConfig.findUniqueOrThrow({ where: { pluginId: 'find-me' } });
    // Saving the config keeps the plugin enabled.
    expect(row).toMatchObject({ enabled: true, config: { ringSeconds: 25, announceSteps: true } });
    await expect
      .poll(async () => (await cli('plugin', 'status')).out)
      .toMatch(/: live \(1 of 1 routing worker/);
    const bad = await cli('plugin', 'set-config', 'find-me', '--set', 'ringSeconds=1', '--set', 'colour=red');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('config.ringSeconds:');
    expect(bad.err).toContain('colour');
    expect((await cli('plugin', 'set-config', 'find-me', '--json', '[1]')).err).toBe(
      'switchboard: --json: must be a JSON object\n',
    );
    expect((await cli('plugin', 'set-config', 'find-me', '--json', '{nope')).err).toMatch(
      /^switchboard: --json: not JSON \(/,
    );
    const file = path.join(servers.dataDir, 'find-me.json');
    writeFileSync(file, JSON.stringify({ ringSeconds: 40 }));
    expect((await cli('plugin', 'set-config', 'find-me', '--file', file)).code).toBe(0);
    expect((await cli('plugin', 'set-config', 'find-me', '--unset', 'ringSeconds')).code).toBe(0);
    expect(
      (await servers.prisma.pluginConfig.findUniqueOrThrow({ where: { pluginId: 'find-me' } })).config,
    ).toEqual({});
    const audit = await servers.prisma.auditLog.findFirstOrThrow({
      where: { entity: 'plugin_config', actor: 'cli' },
      orderBy: { at: 'asc' },
    });
    expect(audit).toMatchObject({
      before: { enabled: true, config: {} },
      after: { enabled: true, config: { ringSeconds: 25 } },
    });
  });
});

describe('trunks', () => {
  it('adds, shows, edits, reports the registration status of and removes a trunk, never printing its password', async () => {
    process.env.SB_TEST_TRUNK_PW = 'cli-provider-pw';
    try {
      const add = await cli(
        'trunk',
        'add',
        'carrier',
        'sip.carrier.example',
        '--username',
        '4930100',
        '--password-env',
        'SB_TEST_TRUNK_PW',
        '--register',
        'on',
        '--sources',
        '192.0.2.10,198.51.100.0/24',
      );
      expect(add).toEqual({ code: 0, out: 'created trunk carrier (sip.carrier.example)\n', err: '' });
    } finally {
      delete process.env.SB_TEST_TRUNK_PW;
    }
    const row = await servers.prisma.trunk.findUniqueOrThrow({ where: { name: 'carrier' } });
    expect((await cli('trunk', 'status')).out).toMatch(/carrier\s+not reported yet/);
    await servers.redis.hset(
      redisKeys.trunkRegistrations,
      row.id,
      JSON.stringify({
        state: 'failing',
        failures: 1,
        lastStatus: 403,
        lastReason: 'Forbidden',
        lastResponseAt: 0,
        nextAttemptAt: 30_000,
      }),
    );
    expect((await cli('trunk', 'status')).out).toMatch(
      /carrier\s+failing: 403 Forbidden at 1970-01-01T00:00:00.000Z, 1 failure/,
    );
    const show = await cli('trunk', 'show', 'carrier');
    expect(show.out).toMatch(/password\s+set/);
    expect(show.out).toMatch(/inbound sources\s+192.0.2.10, 198.51.100.0\/24/);
    expect(show.out + (await cli('trunk', 'list', '--json')).out).not.toContain('cli-provider-pw');
    expect((await cli('trunk', 'edit', 'carrier', '--expiry', '600', '--transport', 'tls')).code).toBe(0);
    expect((await cli('trunk', 'list')).out).toMatch(/carrier\s+yes\s+sip.carrier.example\s+tls\s+4930100/);
    const bad = await cli('trunk', 'edit', 'carrier', '--sources', '10.0.0.1/24');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('host bits set');
    expect((await cli('trunk', 'remove', 'carrier')).out).toBe('removed trunk carrier\n');
    expect((await cli('trunk', 'show', 'carrier')).err).toContain('trunk carrier not found');
  });
});

describe('conference rooms', () => {
  it('adds, lists, edits and removes a room, taking the PIN from the environment and never printing it', async () => {
    process.env.SB_TEST_ROOM_PIN = '918273';
    try {
      const add = await cli(
        'conference',
        'add',
        '8200',
        'Weekly',
        '--pin-env',
        'SB_TEST_ROOM_PIN',
        '--max',
        '5',
      );
      expect(add).toEqual({ code: 0, out: 'created conference room 8200 (Weekly)\n', err: '' });
    } finally {
      delete process.env.SB_TEST_ROOM_PIN;
    }
    const list = await cli('conference', 'list');
    expect(list.out).toMatch(/8200\s+Weekly\s+yes\s+yes\s+5\s+on/);
    expect(list.out).not.toContain('918273');
    expect(await cli('conference', 'edit', '8200', '--no-pin', '--announce', 'off')).toMatchObject({
      code: 0,
    });
    const shown = JSON.parse((await cli('conference', 'show', '8200', '--json')).out) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({ number: '8200', hasPin: false, announceJoin: false, maxParticipants: 5 });
    expect((await cli('conference', 'add', '8201', 'Big', '--max', '33')).code).not.toBe(0);
    expect(await cli('conference', 'remove', '8200')).toEqual({
      code: 0,
      out: 'removed conference room 8200\n',
      err: '',
    });
  });
});
