import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../common/tokens.js';
import {
  activeCallSchema,
  extensionDialogSchema,
  parkedCallSchema,
  redisKeys,
  registrationBindingSchema,
  type ActiveCall,
  type ExtensionDialog,
  type ParkedCall,
  type RegistrationBinding,
} from '@switchboard/live-state';

/**
 * A parked call rings its parker back at `timeoutAt` and leaves its slot then; an entry this long
 * past it was left by a signalling process that stopped (crashed) and is not shown.
 */
const PARKED_STALE_MS = 60_000;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads live registrations and active calls that the B2BUA keeps in Redis; skips expired or malformed entries. */
@Injectable()
export class LiveStateReader {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async registrations(now = Date.now()): Promise<RegistrationBinding[]> {
    const aors = await this.redis.zrangebyscore(redisKeys.registrations, now, '+inf');
    if (aors.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const aor of aors) pipeline.hgetall(redisKeys.registration(aor));
    const results = (await pipeline.exec()) ?? [];
    const bindings: RegistrationBinding[] = [];
    results.forEach(([error, hash]) => {
      if (error || typeof hash !== 'object' || hash === null) return;
      for (const value of Object.values(hash as Record<string, string>)) {
        const parsed = registrationBindingSchema.safeParse(parseJson(value));
        if (parsed.success && parsed.data.expiresAt > now) bindings.push(parsed.data);
      }
    });
    return bindings.sort((a, b) => a.aor.localeCompare(b.aor) || a.contact.localeCompare(b.contact));
  }

  async activeCalls(): Promise<ActiveCall[]> {
    const ids = await this.redis.zrange(redisKeys.calls, 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(redisKeys.call(id));
    const results = (await pipeline.exec()) ?? [];
    const calls: ActiveCall[] = [];
    results.forEach(([error, hash], i) => {
      if (error || typeof hash !== 'object' || hash === null) return;
      const parsed = activeCallSchema.safeParse({ id: ids[i], ...(hash as Record<string, string>) });
      if (parsed.success) calls.push(parsed.data);
    });
    return calls.sort((a, b) => a.startedAt - b.startedAt);
  }

  /** The current dialogs of each resource (extension number), as the B2BUA reports them for busy lamps. */
  async dialogs(resources: readonly string[]): Promise<Map<string, ExtensionDialog[]>> {
    const out = new Map<string, ExtensionDialog[]>();
    if (resources.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const r of resources) pipeline.hgetall(redisKeys.extensionDialogs(r));
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([error, hash], i) => {
      const resource = resources[i];
      if (error || resource === undefined || typeof hash !== 'object' || hash === null) return;
      const dialogs: ExtensionDialog[] = [];
      for (const value of Object.values(hash as Record<string, string>)) {
        const parsed = extensionDialogSchema.safeParse(parseJson(value));
        if (parsed.success) dialogs.push(parsed.data);
      }
      out.set(
        resource,
        dialogs.sort((a, b) => a.startedAt - b.startedAt),
      );
    });
    return out;
  }

  /** The calls waiting in park slots (`sb:parked`), by slot; malformed and stale entries are skipped. */
  async parkedCalls(now = Date.now()): Promise<ParkedCall[]> {
    const all = await this.redis.hgetall(redisKeys.parkedCalls);
    const out: ParkedCall[] = [];
    for (const value of Object.values(all)) {
      const parsed = parkedCallSchema.safeParse(parseJson(value));
      if (parsed.success && parsed.data.timeoutAt + PARKED_STALE_MS > now) out.push(parsed.data);
    }
    return out.sort((a, b) => a.slot - b.slot);
  }
}
