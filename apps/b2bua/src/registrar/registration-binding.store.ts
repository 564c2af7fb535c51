import { Inject, Injectable } from '@nestjs/common';
import { redisKeys, registrationBindingSchema, type RegistrationBinding } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens.js';

/**
 * One binding to write (`binding` set) or remove (`binding` undefined), keyed by Contact URI. With
 * `instance`, it also replaces (or removes) every other binding of the same `+sip.instance` and
 * `regId` (RFC 5626 §6, RFC 5627): a phone that reconnects from a new port keeps one binding.
 */
export interface BindingChange {
  readonly contact: string;
  readonly binding?: RegistrationBinding;
  readonly instance?: string;
  readonly regId?: number;
}

export type ApplyResult =
  | { ok: true; bindings: RegistrationBinding[] }
  /** RFC 3261 §10.3 step 7: same Call-ID with a CSeq not above the stored one; nothing was changed. */
  | { ok: false; outOfOrderContact: string };

/*
 * Shared tail of the scripts: drop expired bindings, then set the hash's expiry and the AOR's score
 * in sb:regs to the latest binding expiry (or remove both when nothing is left). Returns
 * {'OK', binding JSON...}. KEYS: binding hash, registrations zset. ARGV[1] aor, ARGV[2] now.
 */
const PRUNE_TAIL = `
local all = redis.call('HGETALL', KEYS[1])
local live = {'OK'}
local latest = 0
for i = 2, #all, 2 do
  local ok, b = pcall(cjson.decode, all[i])
  local expiresAt = ok and type(b) == 'table' and tonumber(b.expiresAt) or 0
  if expiresAt <= tonumber(ARGV[2]) then
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

/*
 * One atomic step per REGISTER, so several signalling processes can serve one AOR:
 * check Call-ID/CSeq ordering of every touched binding, apply the changes (or remove all for
 * `Contact: *`), drop expired bindings, then set the hash's expiry and the AOR's score in
 * sb:regs to the latest binding expiry (or remove both when nothing is left).
 * Binding JSON is written as given (never re-encoded by cjson, which would change numbers).
 * KEYS: binding hash, registrations zset. ARGV: aor, now, callId, cseq, wildcard (1/0), changes JSON.
 */
const APPLY_SCRIPT = `
local cseq = tonumber(ARGV[4])
local function decode(raw)
  if not raw then return nil end
  local ok, b = pcall(cjson.decode, raw)
  if ok and type(b) == 'table' then return b end
  return nil
end
local function outOfOrder(raw)
  local b = decode(raw)
  if not b then return false end
  return b.callId == ARGV[3] and tonumber(b.cseq or -1) >= cseq
end
-- RFC 5626 §6: the other fields holding a binding of the same instance (and reg-id) as change c.
local function sameInstance(c)
  local found = {}
  if type(c.instance) ~= 'string' then return found end
  local all = redis.call('HGETALL', KEYS[1])
  for i = 2, #all, 2 do
    local b = decode(all[i])
    if all[i - 1] ~= c.contact and b and b.instance == c.instance and tonumber(b.regId) == tonumber(c.regId) then
      table.insert(found, {all[i - 1], all[i]})
    end
  end
  return found
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
    for _, f in ipairs(sameInstance(c)) do
      if outOfOrder(f[2]) then return {'ORDER', f[1]} end
    end
  end
  for _, c in ipairs(changes) do
    for _, f in ipairs(sameInstance(c)) do redis.call('HDEL', KEYS[1], f[1]) end
    if type(c.binding) == 'string' then
      redis.call('HSET', KEYS[1], c.contact, c.binding)
    else
      redis.call('HDEL', KEYS[1], c.contact)
    end
  end
end
${PRUNE_TAIL}`;

/*
 * A flow (connection) closed: remove the AOR's bindings that were bound to it on this node, since
 * no request can reach the phone that way any more (RFC 5626 §5.3). ARGV: aor, now, node, flow id.
 */
const DROP_FLOW_SCRIPT = `
local all = redis.call('HGETALL', KEYS[1])
for i = 2, #all, 2 do
  local ok, b = pcall(cjson.decode, all[i])
  if ok and type(b) == 'table' and b.node == ARGV[3] and b.flowId == ARGV[4] then
    redis.call('HDEL', KEYS[1], all[i - 1])
  end
end
${PRUNE_TAIL}`;

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
          ...(c.instance === undefined ? {} : { instance: c.instance }),
          ...(c.regId === undefined ? {} : { regId: c.regId }),
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

  /** Removes the AOR's bindings held on `flowId` of `node` (the connection closed); returns what is left. */
  async dropFlow(
    aor: string,
    node: string,
    flowId: string,
    now = Date.now(),
  ): Promise<RegistrationBinding[]> {
    const reply = (await this.redis.eval(
      DROP_FLOW_SCRIPT,
      2,
      redisKeys.registration(aor),
      redisKeys.registrations,
      aor,
      String(now),
      node,
      flowId,
    )) as string[];
    return reply.slice(1).flatMap(parseBinding);
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
