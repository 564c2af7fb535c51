import { parseMessage, type SipRequest } from '@switchboard/sip';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { FeatureCodeCollector } from '../src/calls/three-way/feature-code-collector.js';
import { sipInfoDigit } from '../src/calls/dtmf/sip-info-digit.js';

function info(contentType: string | undefined, body: string): SipRequest {
  const text = [
    'INFO sip:101@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1',
    'From: <sip:101@pbx.test>;tag=a',
    'To: <sip:102@pbx.test>;tag=b',
    'Call-ID: c1',
    'CSeq: 3 INFO',
    ...(contentType ? [`Content-Type: ${contentType}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const message = parseMessage(Buffer.from(text));
  if (message.kind !== 'request') throw new Error('not a request');
  return message;
}

describe('sipInfoDigit (DTMF SIP INFO bodies)', () => {
  it('reads application/dtmf-relay and application/dtmf keys', () => {
    expect(sipInfoDigit(info('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'))).toBe('5');
    expect(sipInfoDigit(info('application/dtmf-relay', 'Signal= *\r\nDuration=100'))).toBe('*');
    expect(sipInfoDigit(info('Application/DTMF-Relay; charset=x', 'Signal=#'))).toBe('#');
    expect(sipInfoDigit(info('application/dtmf', '7'))).toBe('7');
    expect(sipInfoDigit(info('application/dtmf-relay', 'Signal=10'))).toBe('*'); // event numbers, RFC 4733 §3.2
    expect(sipInfoDigit(info('application/dtmf-relay', 'Signal=11'))).toBe('#');
  });

  it('ignores other INFOs and unknown keys', () => {
    expect(sipInfoDigit(info('application/json', '{"Signal":"5"}'))).toBeUndefined();
    expect(sipInfoDigit(info(undefined, ''))).toBeUndefined();
    expect(sipInfoDigit(info('application/dtmf-relay', 'Duration=160'))).toBeUndefined();
    expect(sipInfoDigit(info('application/dtmf-relay', 'Signal=X'))).toBeUndefined();
  });
});

describe('FeatureCodeCollector (code, number, # or inter-digit timeout)', () => {
  const collect = (code = '*3') => {
    const clock = new FakeClock();
    const timedOut: string[] = [];
    const c = new FeatureCodeCollector(code, clock, 4000, (d) => timedOut.push(d));
    const press = (keys: string) => [...keys].map((k) => c.press(k));
    return { clock, timedOut, press };
  };

  it('*3 then digits and # dials the digits', () => {
    const { press, clock, timedOut } = collect();
    const results = press('*3103#');
    expect(results.slice(0, 5).every((r) => r.kind === 'collecting')).toBe(true);
    expect(results[5]).toEqual({ kind: 'dial', digits: '103' });
    clock.advance(10_000);
    expect(timedOut).toEqual([]); // nothing pending after #
  });

  it('keys outside the code are ignored (and relayed by the bridge); a broken code starts over', () => {
    const { press } = collect();
    expect(press('12').map((r) => r.kind)).toEqual(['ignored', 'ignored']);
    expect(press('*4').map((r) => r.kind)).toEqual(['collecting', 'ignored']);
    expect(press('**3').map((r) => r.kind)).toEqual(['collecting', 'collecting', 'collecting']);
    expect(press('55#').at(-1)).toEqual({ kind: 'dial', digits: '55' });
  });

  it('the inter-digit timeout dials what was typed; a code with no number dials nothing', () => {
    const { press, clock, timedOut } = collect();
    press('*3200');
    clock.advance(3999);
    expect(timedOut).toEqual([]);
    clock.advance(1);
    expect(timedOut).toEqual(['200']);
    press('*3');
    clock.advance(4000);
    expect(timedOut).toEqual(['200', '']);
  });

  it('a non-number key abandons the number; an empty code is off', () => {
    const { press, timedOut, clock } = collect();
    expect(press('*31A').at(-1)).toEqual({ kind: 'ignored' });
    clock.advance(5000);
    expect(timedOut).toEqual([]);
    expect(
      collect('')
        .press('*3#')
        .map((r) => r.kind),
    ).toEqual(['ignored', 'ignored', 'ignored']);
  });
});
