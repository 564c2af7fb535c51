import type { Redis } from 'ioredis';

/**
 * The one heartbeat of every Switchboard process that Redis knows about (signalling and routing
 * worker roles). Keys live under the installation's SWITCHBOARD_QUEUE_PREFIX, so several
 * installations (or test runs) sharing one Redis never see each other's processes:
 *
 *   <prefix>:processes:<role>  ZSET  member = process id, score = its last beat (Redis server time, ms)
 *   <prefix>:process:<id>      HASH  role, pid, host, startedAt, version, lastBeat and role fields
 *                                    (a routing worker adds the plugin configuration it runs)
 *
 * A process beats every HEARTBEAT_INTERVAL_MS; it is alive while its last beat is younger than
 * HEARTBEAT_ALIVE_MS (three missed beats), so a killed process is seen down within that bound.
 * Its entry is kept, shown as down with its age, for HEARTBEAT_FORGET_MS: the hash expires by
 * itself (PEXPIRE) and the next beat of its role drops the ZSET member. A process stopping
 * cleanly leaves at once.
 */
export const HEARTBEAT_INTERVAL_MS = 1000;
export const HEARTBEAT_ALIVE_MS = 3000;
export const HEARTBEAT_FORGET_MS = 60_000;

/** The process roles that beat. */
export const heartbeatRoles = ['signalling', 'worker'] as const;
export type HeartbeatRole = (typeof heartbeatRoles)[number];

export function processesKey(prefix: string, role: HeartbeatRole): string {
  return `${prefix}:processes:${role}`;
}

export function processKey(prefix: string, id: string): string {
  return `${prefix}:process:${id}`;
}

/** What a process says about itself in every beat. */
export interface ProcessIdentity {
  readonly role: HeartbeatRole;
  readonly pid: number;
  readonly host: string;
  /** Unix epoch ms. */
  readonly startedAt: number;
  readonly version: string;
}

/** A process as a reader sees it; ages are measured on Redis's clock, like the beats. */
export interface ProcessState extends ProcessIdentity {
  readonly id: string;
  readonly lastBeat: number;
  readonly ageMs: number;
  readonly alive: boolean;
  /** Role-specific fields (all strings, as stored). */
  readonly fields: Readonly<Record<string, string>>;
}

// Redis's clock (TIME), not the hosts': processes on different machines then agree on "alive"
// whatever their clock skew.
const NOW_MS = "local t = redis.call('TIME'); local now = t[1] * 1000 + math.floor(t[2] / 1000)";
const BEAT = `${NOW_MS}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('HSET', KEYS[2], 'lastBeat', now, unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return now`;
const COUNT_ALIVE = `${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')`;
const LIST = `${NOW_MS}
local out = {now}
for i = 1, #KEYS do
  out[i + 1] = redis.call('ZRANGEBYSCORE', KEYS[i], now - tonumber(ARGV[1]), '+inf')
end
return out`;

const IDENTITY_FIELDS = new Set(['role', 'pid', 'host', 'startedAt', 'version', 'lastBeat']);

/** One process's heartbeat writer; the caller owns the timer that calls beat(). */
export class ProcessHeartbeat {
  readonly id: string;
  private fields_: Record<string, string> = {};

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly identity: ProcessIdentity,
    /** Unique per process (and per module instance when tests run several in one process). */
    suffix: string,
  ) {
    this.id = `${identity.role}:${identity.host}:${identity.pid}:${suffix}`;
  }

  get fields(): Readonly<Record<string, string>> {
    return this.fields_;
  }

  /** Role fields sent with every later beat; the caller beats now if readers must see them at once. */
  set(fields: Record<string, string>): void {
    this.fields_ = { ...this.fields_, ...fields };
  }

  /** Writes the beat; resolves with its Redis time. */
  async beat(): Promise<number> {
    const { role, pid, host, startedAt, version } = this.identity;
    const pairs = Object.entries({ ...this.fields_, role, pid, host, startedAt, version }).flatMap(
      ([k, v]) => [k, String(v)],
    );
    const now = await this.redis.eval(
      BEAT,
      2,
      processesKey(this.prefix, role),
      processKey(this.prefix, this.id),
      this.id,
      HEARTBEAT_FORGET_MS,
      ...pairs,
    );
    return Number(now);
  }

  /** A process stopping cleanly is gone at once instead of after HEARTBEAT_ALIVE_MS. */
  async leave(): Promise<void> {
    await this.redis
      .multi()
      .zrem(processesKey(this.prefix, this.identity.role), this.id)
      .del(processKey(this.prefix, this.id))
      .exec();
  }
}

/** Processes of `role` with a beat in the last HEARTBEAT_ALIVE_MS. */
export async function liveProcessCount(redis: Redis, prefix: string, role: HeartbeatRole): Promise<number> {
  return Number(await redis.eval(COUNT_ALIVE, 1, processesKey(prefix, role), HEARTBEAT_ALIVE_MS));
}

function stateOf(id: string, raw: Record<string, string>, now: number): ProcessState | null {
  const role = heartbeatRoles.find((r) => r === raw.role);
  const lastBeat = Number(raw.lastBeat);
  if (role === undefined || !Number.isFinite(lastBeat)) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (!IDENTITY_FIELDS.has(k)) fields[k] = v;
  const ageMs = Math.max(0, now - lastBeat);
  return {
    id,
    role,
    pid: Number(raw.pid),
    host: raw.host ?? '',
    startedAt: Number(raw.startedAt),
    version: raw.version ?? '',
    lastBeat,
    ageMs,
    alive: ageMs < HEARTBEAT_ALIVE_MS,
    fields,
  };
}

/** Every process that beat in the last HEARTBEAT_FORGET_MS, alive or not, by role then start. */
export async function readProcesses(redis: Redis, prefix: string): Promise<ProcessState[]> {
  const keys = heartbeatRoles.map((role) => processesKey(prefix, role));
  const reply = (await redis.eval(LIST, keys.length, ...keys, HEARTBEAT_FORGET_MS)) as [
    number,
    ...string[][],
  ];
  const [now, ...perRole] = reply;
  const ids = perRole.flat();
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(processKey(prefix, id));
  const hashes = (await pipeline.exec()) ?? [];
  return ids
    .map((id, i) => {
      const [err, raw] = hashes[i] ?? [null, null];
      if (err) throw err;
      return stateOf(id, (raw ?? {}) as Record<string, string>, Number(now));
    })
    .filter((p): p is ProcessState => p !== null)
    .sort((a, b) => a.role.localeCompare(b.role) || a.startedAt - b.startedAt);
}

/** The plugin configuration a routing worker runs, carried in its heartbeat. */
export interface PluginWorkerStatus {
  /** The configuration revision its plugin chain was built from. */
  readonly revision: number;
  readonly appliedAt: number;
  /** Why the latest revision could not be applied (the worker keeps the previous chain). */
  readonly error?: string | undefined;
}

export function pluginStatusFields(status: PluginWorkerStatus): Record<string, string> {
  return {
    pluginRevision: String(status.revision),
    pluginAppliedAt: String(status.appliedAt),
    pluginError: status.error ?? '',
  };
}

/** null for a worker that has not reported its plugin configuration yet. */
export function pluginStatusOf(p: ProcessState): PluginWorkerStatus | null {
  const revision = Number(p.fields.pluginRevision);
  if (p.fields.pluginRevision === undefined || !Number.isInteger(revision)) return null;
  const error = p.fields.pluginError;
  return {
    revision,
    appliedAt: Number(p.fields.pluginAppliedAt),
    ...(error ? { error } : {}),
  };
}
