import type { z } from 'zod';
import type { CallContext } from '../call-context.js';
import type { SwitchboardPlugin } from '../define-plugin.js';
import type {
  ConferenceRoomInfo,
  ExtensionInfo,
  FollowMeInfo,
  MenuInfo,
  PluginApi,
  RegisteredContact,
  RingGroupInfo,
} from '../plugin-api.js';

/** A simulated PBX for a plugin's tests: extensions, registrations, busy lines, a fixed clock. */
export interface TestWorld {
  extensions?: readonly (Partial<ExtensionInfo> & { number: string })[];
  /** Extension number or AOR → contacts (strings are taken as URIs with q=1). */
  registrations?: Readonly<Record<string, readonly (string | RegisteredContact)[]>>;
  activeCalls?: Readonly<Record<string, number>>;
  /** Extension number → outside calls (through trunks) it is in now. */
  activeExternalCalls?: Readonly<Record<string, number>>;
  ringGroups?: readonly RingGroupInfo[];
  followMe?: readonly FollowMeInfo[];
  conferenceRooms?: readonly ConferenceRoomInfo[];
  menus?: readonly MenuInfo[];
  now?: Date;
  /** The PBX time zone (default UTC). */
  timeZone?: string;
  /** Shared between calls of one test, like the host's Redis-backed state. */
  state?: Map<string, string>;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

export interface TestApi<Config> extends PluginApi<Config> {
  readonly logs: LogLine[];
}

export function createTestApi<Config>(config: Config, world: TestWorld = {}): TestApi<Config> {
  const logs: LogLine[] = [];
  const state = world.state ?? new Map<string, string>();
  const extensions = new Map(
    (world.extensions ?? []).map((e) => [
      e.number,
      {
        number: e.number,
        displayName: e.displayName ?? `Extension ${e.number}`,
        enabled: e.enabled ?? true,
        maxConcurrentCalls: e.maxConcurrentCalls ?? 0,
        hasVoicemail: e.hasVoicemail ?? false,
        dialClass: e.dialClass ?? 'national',
        ...(e.externalNumber === undefined ? {} : { externalNumber: e.externalNumber }),
        maxExternalCalls: e.maxExternalCalls ?? 0,
      } satisfies ExtensionInfo,
    ]),
  );
  const log =
    (level: LogLine['level']) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      logs.push(fields === undefined ? { level, msg } : { level, msg, fields });
    };
  return {
    config,
    logs,
    extensions: { get: (n) => Promise.resolve(extensions.get(n)) },
    registrations: {
      contacts: (key) =>
        Promise.resolve(
          (world.registrations?.[key] ?? [])
            .map((c) => (typeof c === 'string' ? { uri: c, q: 1, expiresIn: 3600 } : c))
            .sort((a, b) => b.q - a.q),
        ),
    },
    directory: {
      ringGroup: (n) => Promise.resolve(world.ringGroups?.find((g) => g.number === n)),
      followMe: (ext) => Promise.resolve(world.followMe?.find((f) => f.extension === ext)),
      conferenceRoom: (n) => Promise.resolve(world.conferenceRooms?.find((r) => r.number === n)),
      menu: (n) => Promise.resolve(world.menus?.find((m) => m.number === n)),
    },
    calls: {
      activeCount: (n) => Promise.resolve(world.activeCalls?.[n] ?? 0),
      activeExternalCount: (n) => Promise.resolve(world.activeExternalCalls?.[n] ?? 0),
    },
    state: {
      get: (k) => Promise.resolve(state.get(k)),
      set: (k, v) => {
        state.set(k, v);
        return Promise.resolve();
      },
    },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    now: () => world.now ?? new Date('2026-01-05T10:00:00Z'),
    timeZone: world.timeZone ?? 'UTC',
  };
}

let callCounter = 0;

/** A call with sensible defaults: extension 100 calls `destination`. */
export function testCall(destination: string, overrides: Partial<CallContext> = {}): CallContext {
  callCounter += 1;
  return {
    callId: `test-call-${callCounter}`,
    caller: { uri: 'sip:100@pbx.test', displayName: 'Alice', extension: '100' },
    destination,
    requestUri: `sip:${destination}@pbx.test`,
    receivedAt: new Date('2026-01-05T10:00:00Z').toISOString(),
    history: [],
    ...overrides,
  };
}

/** Validates `config` against the plugin's schema (as the registry does) and builds its API. */
export function apiForPlugin<Schema extends z.ZodType>(
  plugin: SwitchboardPlugin<Schema>,
  config: unknown,
  world: TestWorld = {},
): TestApi<z.output<Schema>> {
  return createTestApi(plugin.configSchema.parse(config ?? {}), world);
}
