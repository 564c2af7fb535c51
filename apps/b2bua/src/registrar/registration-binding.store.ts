import { Inject, Injectable } from '@nestjs/common';
import { redisKeys, registrationBindingSchema, type RegistrationBinding } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens.js';

/** One binding to write (`binding` set) or remove (`binding` undefined), keyed by Contact URI. */
export interface BindingChange {
  readonly contact: string;
  readonly binding?: RegistrationBinding;
}

export type ApplyResult =
  | { ok: true; bindings: RegistrationBinding[] }
  /** RFC 3261 §10.3 step 7: same Call-ID with a CSeq not above the stored one; nothing was changed. */
  | { ok: false; outOfOrderContact: string };

/*
 * One atomic step per REGISTER, so several signalling processes can serve one AOR:
 * check Call-ID/CSeq ordering of every touched binding, apply the changes (or remove all for
 * `Contact: *`), drop expired bindings, then set the hash's expiry and the AOR's score in
 * sb:regs to the latest binding expiry (or remove both when nothing is left).
 * Binding JSON is written as given (never re-encoded by cjson, which would change numbers).
 * KEYS: binding hash, registrations zset. ARGV: aor, now, callId, cseq, wildcard (1/0), changes JSON.
 */
const APPLY_SCRIPT = `
local now = tonumber(ARGV[2])
local cseq = tonumber(ARGV[4])
local function outOfOrder(raw)
  if not raw then return false end
  local ok, b = pcall(cjson.decode, raw)
  if not ok or type(b) ~= 'table' then return false end
  return b.callId == ARGV[3] and tonumber(b.cseq or -1) >= cseq
end
if ARGV[5] == '1' then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 2, #all, 2 do
    if outOfOrder(all[i]) then return {'ORDER', all[i - 1]} end
  end
  redis.call('DEL', KEYS[1])
else
  local changes = cjson.decode(ARGV[6])
  for _, c in ipairs(changes) do
    if outOfOrder(redis.call('HGET', KEYS[1], c.contact)) then return {'ORDER', c.contact} end
  end
  for _, c in ipairs(changes) do
    if type(c.binding) == 'string' then
      redis.call('HSET', KEYS[1], c.contact, c.binding)
    else
      redis.call('HDEL', KEYS[1], c.contact)
    end
  end
end
local all = redis.call('HGETALL', KEYS[1])
local live = {'OK'}
local latest = 0
for i = 2, #all, 2 do
  local ok, b = pcall(cjson.decode, all[i])
  local expiresAt = ok and type(b) == 'table' and tonumber(b.expiresAt) or 0
  if expiresAt <= now then
    redis.call('HDEL', KEYS[1], all[i - 1])
  else
    table.insert(live, all[i])
    if expiresAt > latest then latest = expiresAt end
  end
end
if latest == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('PEXPIREAT', KEYS[1], latest)
  redis.call('ZADD', KEYS[2], latest, ARGV[1])
end
return live
`;

/**
 * The location service's write side, in Redis per the @switchboard/live-state contract:
 * `sb:regs` ZSET (AOR → latest expiry) and `sb:reg:<aor>` HASH (Contact URI → binding JSON),
 * the hash expiring with its last binding.
 */
@Injectable()
export class RegistrationBindingStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async apply(
    aor: string,
    request: { callId: string; cseq: number },
    change: { wildcard: true } | { wildcard: false; changes: readonly BindingChange[] },
    now = Date.now(),
  ): Promise<ApplyResult> {
    const changes = change.wildcard
      ? []
      : change.changes.map((c) => ({
          contact: c.contact,
          binding: c.binding ? JSON.stringify(c.binding) : false,
        }));
    const reply = (await this.redis.eval(
      APPLY_SCRIPT,
      2,
      redisKeys.registration(aor),
      redisKeys.registrations,
      aor,
      String(now),
      request.callId,
      String(request.cseq),
      change.wildcard ? '1' : '0',
      JSON.stringify(changes),
    )) as string[];
    if (reply[0] === 'ORDER') return { ok: false, outOfOrderContact: reply[1] ?? '' };
    return { ok: true, bindings: reply.slice(1).flatMap(parseBinding) };
  }

  /** Current bindings of an AOR (expired ones pruned), without changing anything else. */
  async current(aor: string, now = Date.now()): Promise<RegistrationBinding[]> {
    const result = await this.apply(aor, { callId: '', cseq: 0 }, { wildcard: false, changes: [] }, now);
    return result.ok ? result.bindings : [];
  }

  /** Prunes every AOR whose latest binding has expired; returns how many AORs were swept. */
  async sweepExpired(now = Date.now(), limit = 500): Promise<number> {
    const due = await this.redis.zrangebyscore(redisKeys.registrations, '-inf', now, 'LIMIT', 0, limit);
    for (const aor of due) await this.current(aor, now);
    return due.length;
  }
}

function parseBinding(raw: string): RegistrationBinding[] {
  try {
    const parsed = registrationBindingSchema.safeParse(JSON.parse(raw));
    return parsed.success ? [parsed.data] : [];
  } catch {
    return [];
  }
}
