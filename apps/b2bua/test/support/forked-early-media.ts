import { expect } from 'vitest';
import { expectPassed, type CallRunner } from './call-runner.js';

/** A response sipp received, as its message trace shows it. */
export interface TracedResponse {
  readonly status: number;
  readonly toTag: string | undefined;
  /** The first m=audio port of its SDP, if it had one. */
  readonly audioPort: number | undefined;
}

/** The responses in a sipp message trace (`-trace_msg`), in the order sipp received them. */
export function receivedResponses(messages: string): TracedResponse[] {
  return messages
    .split(/^-{10,}.*$/m)
    .filter((chunk) => /message received/.test(chunk))
    .flatMap((chunk) => {
      const status = /^SIP\/2\.0 (\d{3}) /m.exec(chunk)?.[1];
      if (status === undefined) return [];
      const to = /^(?:To|t)\s*:(.*)$/im.exec(chunk)?.[1] ?? '';
      const port = /^m=audio (\d+) /m.exec(chunk)?.[1];
      return [
        {
          status: Number(status),
          toTag: /;\s*tag=([^;>\s]+)/i.exec(to)?.[1],
          audioPort: port === undefined ? undefined : Number(port),
        },
      ];
    });
}

/**
 * Item 10 of issue #16: extension 201 has two phones that both send 183 with their own SDP; one
 * answers 1.5 s later, the other is cancelled. The caller must see two early dialogs (two To-tags,
 * each 183 with its branch's SDP) and a 200 on the early dialog of the branch that answered
 * (RFC 3264 §8, RFC 6337 §3.1, RFC 3261 §13.2.2.4). Returns the caller's responses for
 * mode-specific checks (e.g. the ports of a media relay).
 */
export async function expectForkedEarlyMedia(
  run: CallRunner,
): Promise<{ early: TracedResponse[]; ok: TracedResponse; answeringPort: number; otherPort: number }> {
  const answeringPort = 31_000 + Math.floor(Math.random() * 1000) * 2;
  const otherPort = answeringPort + 2000;
  const r = await run.call('201', 'fork-uac-early-media.xml', [
    { scenario: 'fork-uas-early-media-answer.xml', args: ['-key', 'mport', String(answeringPort)] },
    { scenario: 'fork-uas-early-media-cancelled.xml', args: ['-key', 'mport', String(otherPort)] },
  ]);
  expectPassed(r.caller);
  r.callees.forEach(expectPassed);
  const responses = receivedResponses(r.caller.messages).filter((m) => m.status !== 100 && m.status !== 407);
  const early = responses.filter((m) => m.status === 183);
  const ok = responses.find((m) => m.status === 200);
  expect(early, r.caller.output).toHaveLength(2);
  const [a, b] = early as [TracedResponse, TracedResponse];
  // Two early dialogs, each with its branch's own SDP.
  expect(a.toTag).toBeDefined();
  expect(b.toTag).toBeDefined();
  expect(a.toTag, r.caller.output).not.toBe(b.toTag);
  expect(a.audioPort).toBeDefined();
  expect(a.audioPort).not.toBe(b.audioPort);
  // The 2xx confirms the early dialog whose SDP it repeats: the answering branch's.
  expect(ok, r.caller.output).toBeDefined();
  const sameBranch = early.find((m) => m.audioPort === ok!.audioPort);
  expect(sameBranch, r.caller.output).toBeDefined();
  expect(ok!.toTag).toBe(sameBranch!.toTag);
  expect(await run.onlyRecord()).toMatchObject({ disposition: 'answered', answeredBy: '201' });
  await run.expectNoLiveCalls();
  return { early, ok: ok!, answeringPort, otherPort };
}
