import type { Logger } from '@switchboard/config';
import type { RegistrationBinding } from '@switchboard/live-state';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import {
  isBehindNat,
  NatKeepAlive,
  type KeepAliveKind,
  type PingOutcome,
} from '../src/registrar/nat-keepalive.js';

const binding = (
  contact: string,
  source: string,
  extra: Partial<RegistrationBinding> = {},
): RegistrationBinding => ({
  aor: 'sip:201@pbx.test',
  contact,
  expiresAt: 600_000,
  sourceAddress: source,
  transport: 'UDP',
  node: 'me',
  ...extra,
});

function keepAlive(kind: KeepAliveKind, answer: () => PingOutcome) {
  const clock = new FakeClock();
  const pings: { contact: string; how: string }[] = [];
  const logs: string[] = [];
  const log = (obj: Record<string, unknown>, msg: string): void =>
    void logs.push(`${msg} ${obj.contact as string}`);
  const ka = new NatKeepAlive({
    kind,
    intervalMs: 20_000,
    clock,
    wallNow: () => clock.now(),
    logger: { warn: log, info: log } as unknown as Logger,
    ping: (b, how) => {
      pings.push({ contact: b.contact, how });
      return Promise.resolve(answer());
    },
  });
  ka.start();
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await new Promise((r) => setImmediate(r));
  };
  return { ka, pings, logs, advance };
}

describe('NAT detection of a registration (received/rport against Contact)', () => {
  it('another address or port than the Contact is NAT; the same is not; a host name compares the port', () => {
    expect(isBehindNat(binding('sip:201@10.0.0.2:5060', '203.0.113.5:5060'))).toBe(true);
    expect(isBehindNat(binding('sip:201@203.0.113.5:5060', '203.0.113.5:40123'))).toBe(true);
    expect(isBehindNat(binding('sip:201@203.0.113.5', '203.0.113.5:5060'))).toBe(false);
    expect(isBehindNat(binding('sip:201@phone.example:5060', '203.0.113.5:5060'))).toBe(false);
    expect(isBehindNat(binding('sip:201@[2001:db8::1]:5060', '[2001:db8::1]:5060'))).toBe(false);
    expect(isBehindNat(binding('sip:201@10.0.0.2:5060', ''))).toBe(false);
  });
});

describe('NatKeepAlive (fake clock)', () => {
  it('pings only NATed UDP bindings of this process, every interval, until they expire', async () => {
    const { ka, pings, advance } = keepAlive('options', () => 'answered');
    ka.registered(
      'sip:201@pbx.test',
      [
        binding('sip:201@10.0.0.2:5060', '203.0.113.5:40000'),
        binding('sip:201@203.0.113.6:5060', '203.0.113.6:5060'), // not behind NAT
        binding('sip:201@10.0.0.3:5060', '203.0.113.7:40000', { transport: 'TCP' }), // its flow keeps itself
        binding('sip:201@10.0.0.4:5060', '203.0.113.8:40000', { node: 'other' }), // another process's
      ],
      'me',
    );
    expect(ka.size).toBe(1);
    await advance(19_999);
    expect(pings).toEqual([]);
    await advance(1);
    expect(pings).toEqual([{ contact: 'sip:201@10.0.0.2:5060', how: 'options' }]);
    await advance(20_000);
    expect(pings).toHaveLength(2);
    // Expired at 600 s: dropped at the next round.
    await advance(600_000);
    expect(ka.size).toBe(0);
    const count = pings.length;
    await advance(60_000);
    expect(pings).toHaveLength(count);
    ka.stop();
  });

  it('a re-REGISTER replaces the AOR bindings; an unregister stops the pings', async () => {
    const { ka, pings, advance } = keepAlive('crlf', () => 'sent');
    ka.registered('sip:201@pbx.test', [binding('sip:201@10.0.0.2:5060', '203.0.113.5:40000')], 'me');
    await advance(20_000);
    expect(pings).toEqual([{ contact: 'sip:201@10.0.0.2:5060', how: 'crlf' }]);
    ka.registered('sip:201@pbx.test', [], 'me');
    await advance(40_000);
    expect(pings).toHaveLength(1);
    ka.stop();
  });

  it('a phone that stops answering OPTIONS is logged once, kept, and logged again when it answers', async () => {
    let outcome: PingOutcome = 'answered';
    const { ka, logs, pings, advance } = keepAlive('options', () => outcome);
    ka.registered('sip:201@pbx.test', [binding('sip:201@10.0.0.2:5060', '203.0.113.5:40000')], 'me');
    await advance(20_000);
    expect(logs).toEqual([]);
    outcome = 'timeout';
    await advance(20_000);
    await advance(20_000);
    expect(logs).toEqual([
      'NAT keep-alive: phone does not answer OPTIONS (binding kept until it expires) sip:201@10.0.0.2:5060',
    ]);
    expect(ka.size).toBe(1);
    outcome = 'answered';
    await advance(20_000);
    expect(logs[1]).toBe('NAT keep-alive: phone answers again sip:201@10.0.0.2:5060');
    expect(pings).toHaveLength(4);
    ka.stop();
  });

  it('off: nothing is tracked or sent', async () => {
    const { ka, pings, advance } = keepAlive('off', () => 'answered');
    ka.registered('sip:201@pbx.test', [binding('sip:201@10.0.0.2:5060', '203.0.113.5:40000')], 'me');
    await advance(60_000);
    expect(ka.size).toBe(0);
    expect(pings).toEqual([]);
  });
});
