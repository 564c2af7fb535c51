import { createResponse, parseMessage, type SipRequest } from '@switchboard/sip';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { StatelessAnswers } from '../src/sip/stateless-answers.js';

function invite(branch: string): SipRequest {
  const text =
    `INVITE sip:201@example.test SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK${branch}\r\n` +
    `From: <sip:100@example.test>;tag=a\r\nTo: <sip:201@example.test>\r\nCall-ID: ${branch}\r\n` +
    `CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(Buffer.from(text)) as SipRequest;
}

describe('StatelessAnswers (answers of stateless challenges, for retransmissions)', () => {
  it('repeats an answer within its lifetime, then forgets it on the clock: empty once requests stop', () => {
    const clock = new FakeClock();
    const answers = new StatelessAnswers({ maxEntries: 100, ttlMs: 32_000, clock });
    const first = invite('1');
    expect(answers.seen(first)).toBeUndefined();
    expect(answers.seen(first)).toBe('pending');
    const response = createResponse(first, 407);
    answers.answered(first, response);
    clock.advance(10_000);
    expect(answers.seen(invite('1'))).toBe(response);
    expect(answers.seen(invite('2'))).toBeUndefined();
    expect(answers.size).toBe(2);
    clock.advance(22_000); // the first is 32 s old
    expect(answers.size).toBe(1);
    clock.advance(10_000);
    expect(answers.size).toBe(0);
    expect(clock.pending()).toBe(0); // no timer while nothing is kept
  });

  it('keeps at most maxEntries, the oldest going first', () => {
    const clock = new FakeClock();
    const answers = new StatelessAnswers({ maxEntries: 10, ttlMs: 32_000, clock });
    for (let i = 0; i < 50; i++) answers.seen(invite(String(i)));
    expect(answers.size).toBe(10);
    expect(answers.seen(invite('49'))).toBe('pending');
    expect(answers.seen(invite('0'))).toBeUndefined();
    answers.stop();
  });
});
