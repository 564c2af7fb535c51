import { type FakeClock } from '@switchboard/transactions';
import {
  type Dialog,
  type DialogHooks,
  type DialogState,
  type DialogTerminationReason,
  type IncomingRequest,
  type IncomingResponse,
  type OutgoingRequest,
} from '../../src/index.js';

/** Alice (UAC, sip:alice@pc33.atlanta.com) calls Bob through proxies that Record-Route. */
export const ALICE_CONTACT = 'sip:alice@pc33.atlanta.com';

export function aliceInvite(overrides: Partial<OutgoingRequest> = {}): OutgoingRequest {
  return {
    method: 'INVITE',
    requestUri: 'sip:bob@biloxi.com',
    route: [],
    from: { uri: 'sip:alice@atlanta.com', displayName: 'Alice', tag: '1928301774' },
    to: { uri: 'sip:bob@biloxi.com', displayName: 'Bob' },
    callId: 'a84b4c76e66710@pc33.atlanta.com',
    cseq: { seq: 314159, method: 'INVITE' },
    contact: ALICE_CONTACT,
    maxForwards: 70,
    headers: [],
    ...overrides,
  };
}

export function responseTo(
  invite: OutgoingRequest,
  status: number,
  toTag: string | undefined,
  extra: Partial<IncomingResponse> = {},
): IncomingResponse {
  return {
    status,
    callId: invite.callId,
    cseq: { ...invite.cseq },
    from: invite.from,
    to: toTag === undefined ? invite.to : { ...invite.to, tag: toTag },
    ...extra,
  };
}

/** The INVITE as Bob's UAS receives it. */
export function bobReceivesInvite(overrides: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'INVITE',
    requestUri: 'sip:bob@192.0.2.4',
    callId: 'a84b4c76e66710@pc33.atlanta.com',
    cseq: { seq: 314159, method: 'INVITE' },
    from: { uri: 'sip:alice@atlanta.com', displayName: 'Alice', tag: '1928301774' },
    to: { uri: 'sip:bob@biloxi.com', displayName: 'Bob' },
    contact: ALICE_CONTACT,
    recordRoute: ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'],
    hasBody: true,
    ...overrides,
  };
}

/** A request the peer sends in the dialog, as our side receives it. */
export function inDialogRequestFrom(
  dialog: Dialog,
  method: string,
  seq: number,
  extra: Partial<IncomingRequest> = {},
) {
  const req: IncomingRequest = {
    method,
    requestUri: dialog.local.uri,
    callId: dialog.id.callId,
    cseq: { seq, method },
    from: { ...dialog.remote, tag: dialog.id.remoteTag },
    to: { ...dialog.local, tag: dialog.id.localTag },
    ...extra,
  };
  return req;
}

/** A response to a request we sent in the dialog. */
export function answer(
  request: OutgoingRequest,
  status: number,
  extra: Partial<IncomingResponse> = {},
): IncomingResponse {
  return {
    status,
    callId: request.callId,
    cseq: { ...request.cseq },
    from: request.from,
    to: request.to,
    ...extra,
  };
}

export interface Recorder {
  hooks: DialogHooks;
  states: { state: DialogState; reason?: DialogTerminationReason; localTag: string; remoteTag: string }[];
  glare: { at: number; method: string }[];
  ackTimeouts: { at: number; bye: OutgoingRequest }[];
}

export function recorder(clock: FakeClock): Recorder {
  const r: Recorder = { hooks: {}, states: [], glare: [], ackTimeouts: [] };
  r.hooks = {
    onStateChange: (d, state, reason) =>
      r.states.push({
        state,
        localTag: d.id.localTag,
        remoteTag: d.id.remoteTag,
        ...(reason ? { reason } : {}),
      }),
    onGlareRetry: (_d, method) => r.glare.push({ at: clock.now(), method }),
    onAckTimeout: (_d, bye) => r.ackTimeouts.push({ at: clock.now(), bye }),
  };
  return r;
}
