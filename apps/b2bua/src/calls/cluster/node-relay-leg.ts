import type { DialStep } from '@switchboard/plugin-sdk';
import type { SipResponse } from '@switchboard/sip';
import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { BranchHandle, BranchListener, BranchSpec } from '../plan/branch-types.js';
import { nodeRelaySpec, type NodeRelay } from './node-relay.js';

/**
 * How long the holding node has to answer a relayed INVITE. It answers at once (a retrieval is one
 * re-INVITE of the parked party, a pickup answers from the ringing call's offer); a node that died
 * without its port being closed (another host) is not waited for up to Timer B's 32 s.
 */
export const NODE_RELAY_ANSWER_MS = 10_000;

/** What the relayed leg reports to its call session. */
export interface NodeRelayHost {
  readonly clock: Clock;
  launch(spec: BranchSpec, step: DialStep, listener: BranchListener<SipResponse>): BranchHandle;
  provisional(status: number, response: SipResponse): void;
  answered(response: SipResponse, targetKey: string, step: DialStep): void;
  /** The holding node's final answer (its status and reason as given: 404 empty slot, …) or ours. */
  failed(status: number, reason: string, cause: string): void;
}

/**
 * One B2BUA leg towards the signalling node holding what the caller asked for (a parked call, a
 * ringing call): its 1xx, 2xx and final failure go to the caller as they are (the holder's 404 for a
 * slot retrieved meanwhile is the caller's 404), and no answer within NODE_RELAY_ANSWER_MS gives 480.
 * The returned handle cancels the leg (the caller's CANCEL); after an answer it does nothing.
 */
export function startNodeRelay(relay: NodeRelay, host: NodeRelayHost): BranchHandle {
  const spec = nodeRelaySpec(relay);
  const step: DialStep = {
    type: 'dial',
    mode: 'parallel',
    targets: [{ kind: 'uri', uri: spec.uri }],
    ringTimeoutSeconds: NODE_RELAY_ANSWER_MS / 1000,
  };
  let settled = false;
  const timer: TimerHandle = host.clock.schedule(NODE_RELAY_ANSWER_MS, () => {
    if (settled) return;
    settled = true;
    leg.cancel('timeout');
    host.failed(480, 'Holding Node Not Answering', `node ${relay.node} did not answer the relayed INVITE`);
  });
  const leg = host.launch(spec, step, {
    provisional: (status, response) => {
      if (!settled) host.provisional(status, response);
    },
    answered: (response) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      host.answered(response, spec.targetKey, step);
    },
    failed: (status, response) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      const reason = response?.reason ?? (status === 408 ? 'Request Timeout' : 'Service Unavailable');
      host.failed(status, reason, `node ${relay.node} answered ${status} ${reason}`);
    },
  });
  return {
    ...(leg.callId === undefined ? {} : { callId: leg.callId }),
    cancel: (cause) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      leg.cancel(cause);
    },
  };
}
