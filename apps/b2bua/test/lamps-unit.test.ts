import type { ExtensionDialog } from '@switchboard/live-state';
import { parseMessage, type SipResponse } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { CallLamps } from '../src/calls/lamps/call-lamps.js';
import { buildDialogInfo, escapeXml } from '../src/lamps/dialog-info-body.js';

describe('dialog-info body (RFC 4235 §4.1)', () => {
  it('escapes every value from outside and drops control characters', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    const body = buildDialogInfo({
      version: 3,
      state: 'partial',
      entity: 'sip:201@pbx.test',
      now: 10_000,
      dialogs: [
        {
          id: 'd"1',
          state: 'confirmed',
          direction: 'initiator',
          remote: 'sip:202@pbx.test',
          remoteName: '<script>x</script>',
          startedAt: 0,
        },
      ],
    });
    expect(body).toContain('version="3" state="partial" entity="sip:201@pbx.test"');
    expect(body).toContain('<dialog id="d&quot;1" direction="initiator">');
    expect(body).toContain('<identity display="&lt;script&gt;x&lt;/script&gt;">sip:202@pbx.test</identity>');
    expect(body).toContain('<duration>10</duration>');
    expect(body).not.toContain('<script>');
  });

  it('RFC 4235 §4.1.6: call-id with the local and remote tags identifies the dialog (escaped); no tags without a call-id', () => {
    const dialog = {
      id: 'c-2',
      state: 'early',
      direction: 'recipient',
      remote: 'sip:100@pbx.test',
      startedAt: 0,
    } as const;
    const body = buildDialogInfo({
      version: 1,
      state: 'full',
      entity: 'sip:201@pbx.test',
      now: 0,
      dialogs: [
        { ...dialog, callId: 'leg-1@pbx', localTag: 'phone"t', remoteTag: 'pbx-t' },
        { ...dialog, id: 'c-3', localTag: 'x', remoteTag: 'y' },
      ],
    });
    expect(body).toContain(
      '<dialog id="c-2" call-id="leg-1@pbx" local-tag="phone&quot;t" remote-tag="pbx-t" direction="recipient">',
    );
    expect(body).toContain('<dialog id="c-3" direction="recipient">');
  });
});

function ringing(toTag: string | undefined): SipResponse {
  const wire = [
    'SIP/2.0 180 Ringing',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx',
    'From: <sip:100@pbx.test>;tag=a',
    `To: <sip:201@pbx.test>${toTag ? `;tag=${toTag}` : ''}`,
    'Call-ID: leg-1',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(wire));
  if (parsed.kind !== 'response') throw new Error('not a response');
  return parsed;
}

describe('a call’s dialogs for busy lamps', () => {
  function lamps() {
    const writes: Array<[string, ExtensionDialog]> = [];
    const call = new CallLamps({
      sink: { write: (r, d) => Promise.resolve(void writes.push([r, d])) },
      call: 'c',
      identity: {
        callerUri: 'sip:100@pbx.test',
        callerExtension: '100',
        destination: '201',
        requestUri: 'sip:201@pbx.test',
      },
      callerCallId: 'caller-1',
      domain: 'pbx.test',
      wallNow: () => 0,
      onError: (err) => {
        throw err;
      },
    });
    return { writes, call };
  }
  const noop = { provisional: () => undefined, answered: () => undefined, failed: () => undefined };

  it('a cancelled branch terminates with event cancelled; the caller’s dialog is rejected with the status', () => {
    const { writes, call } = lamps();
    call.callerStarted();
    const branch = call.branch('201', noop);
    const handle = branch!.wrap({ cancel: () => undefined });
    branch!.listener.provisional(180, ringing('t'));
    handle.cancel('timeout');
    call.ended('no_answer', 'callee', 480);
    expect(writes.map(([r, d]) => [r, d.direction, d.state, d.event, d.code])).toEqual([
      ['100', 'initiator', 'trying', undefined, undefined],
      ['201', 'recipient', 'trying', undefined, undefined],
      ['201', 'recipient', 'early', undefined, undefined],
      ['201', 'recipient', 'terminated', 'cancelled', 487],
      ['100', 'initiator', 'terminated', 'rejected', 480],
    ]);
  });

  it('a 1xx without To tag is proceeding; states never move back; a URI target has no lamp', () => {
    const { writes, call } = lamps();
    const branch = call.branch('201', noop)!;
    branch.listener.provisional(180, ringing('t'));
    branch.listener.provisional(183, ringing(undefined));
    expect(writes.map(([, d]) => d.state)).toEqual(['trying', 'early']);
    expect(call.branch('sip:x@example.com', noop)).toBeUndefined();
  });

  it('a rung phone’s dialog carries its tags as that phone sees them: its To tag local, our From tag remote', () => {
    const { writes, call } = lamps();
    const branch = call.branch('201', noop)!;
    branch.listener.provisional(180, ringing('phone-tag'));
    expect(writes.at(-1)?.[1]).toMatchObject({
      state: 'early',
      callId: 'leg-1',
      localTag: 'phone-tag',
      remoteTag: 'a',
    });
  });
});
