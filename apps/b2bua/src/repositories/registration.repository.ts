import { Inject, Injectable } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import { redisKeys, registrationBindingSchema, type RegistrationBinding } from '@switchboard/live-state';
import type { RegisteredContact } from '@switchboard/plugin-sdk';
import type { Redis } from 'ioredis';
import { CONFIG, REDIS } from '../tokens.js';

// Module constant: a regular expression literal in a function body is a new object per call.
const SIP_URI = /^sips?:/i;

/** Reads the location service's bindings (written by the registrar) from Redis. */
@Injectable()
export class RegistrationRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
  ) {}

  /** The AOR of an extension in our domain; an AOR passes through unchanged. */
  aorOf(extensionOrAor: string): string {
    return SIP_URI.test(extensionOrAor) ? extensionOrAor : `sip:${extensionOrAor}@${this.config.sip.domain}`;
  }

  async bindings(extensionOrAor: string, now = Date.now()): Promise<RegistrationBinding[]> {
    const raw = await this.redis.hvals(redisKeys.registration(this.aorOf(extensionOrAor)));
    const bindings: RegistrationBinding[] = [];
    for (const value of raw) {
      const parsed = registrationBindingSchema.safeParse(safeJson(value));
      if (parsed.success && parsed.data.expiresAt > now) bindings.push(parsed.data);
    }
    return bindings;
  }

  /** Live contacts, best q-value first (RFC 3261 §16.6 / §10.2.1.2). */
  async contacts(extensionOrAor: string, now = Date.now()): Promise<RegisteredContact[]> {
    return (await this.bindings(extensionOrAor, now))
      .map((b) => ({
        uri: b.contact,
        q: b.q ?? 1,
        expiresIn: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
        ...(b.userAgent === undefined ? {} : { userAgent: b.userAgent }),
      }))
      .sort((a, b) => b.q - a.q);
  }
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
