import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { CallSession, SessionState } from '../src/calls/call-session.js';
import { CallTable } from '../src/calls/call-table.js';

// CallTable reads only these members of a session; a stand-in keeps the test free of SIP plumbing.
function fakeSession(callerCallId: string, phase: SessionState): CallSession {
  const inviteTx = {} as ServerTransaction<SipMessage>;
  return { callerCallId, inviteTx, phase } as unknown as CallSession;
}

function request(callId: string, fromTag: string): SipRequest {
  return { callId, from: { tag: fromTag } } as unknown as SipRequest;
}

describe('CallTable', () => {
  it('finds calls by caller dialog, leg and INVITE, counts them per state, and forgets every index on remove', () => {
    const table = new CallTable();
    const a = fakeSession('a@phone', 'bridged');
    const b = fakeSession('b@phone', 'routing');
    table.add(a, 'tag-a');
    table.add(b, 'tag-b');
    table.addLeg(a, 'leg-1@switchboard');
    table.addLeg(a, 'leg-2@switchboard');

    expect(table.match(request('a@phone', 'tag-a'))).toEqual({ session: a, side: 'caller' });
    expect(table.match(request('leg-2@switchboard', 'x'))).toEqual({ session: a, side: 'callee' });
    expect(table.match(request('a@phone', 'other-tag'))).toBeUndefined();
    expect(table.forCancel(b.inviteTx)).toBe(b);
    expect(table.isOwnLeg('leg-1@switchboard')).toBe(true);
    expect(table.phases()).toEqual({ bridged: 1, routing: 1 });
    expect(table.indexSizes()).toEqual({ byCaller: 2, byLeg: 2, byInvite: 2 });

    table.remove(a);
    expect(table.size).toBe(1);
    expect(table.isOwnLeg('leg-1@switchboard')).toBe(false);
    expect(table.indexSizes()).toEqual({ byCaller: 1, byLeg: 0, byInvite: 1 });
    table.remove(b);
    table.remove(b); // a second end of the same call is harmless
    expect(table.size).toBe(0);
    expect(table.phases()).toEqual({});
    expect(table.indexSizes()).toEqual({ byCaller: 0, byLeg: 0, byInvite: 0 });
  });
});
