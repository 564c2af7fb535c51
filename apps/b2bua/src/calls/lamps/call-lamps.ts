import type { ExtensionDialog } from '@switchboard/live-state';
import type { SipResponse } from '@switchboard/sip';
import type { CallIdentity } from '../call-routing.js';
import type { BranchHandle, BranchListener, CancelCause } from '../plan/branch-types.js';
import type { Disposition, HangupSide } from '../records/call-record-builder.js';
import { DialogLamp, extensionKey, type DialogStateSink } from './dialog-lamp.js';

export interface CallLampsInit {
  readonly sink: DialogStateSink | undefined;
  /** The call session's id: dialog ids are `<call>:<n>`. */
  readonly call: string;
  readonly identity: CallIdentity;
  /** The caller's SIP Call-ID (the initiator dialog's call-id). */
  readonly callerCallId: string;
  /** The caller's From tag: its phone's local tag (RFC 4235 §4.1.6). */
  readonly callerTag?: string;
  readonly domain: string;
  readonly wallNow: () => number;
  readonly onError: (err: unknown) => void;
}

/** How a branch cancel reads in a dialog-info state (RFC 4235 §4.1.2 event attribute). */
const CANCELLED: Pick<ExtensionDialog, 'event' | 'code'> = { event: 'cancelled', code: 487 };

/**
 * The dialog event package's view of one call (RFC 4235): the calling extension's dialog
 * (initiator) and one per rung extension branch (recipient), each moving trying → early →
 * confirmed → terminated as the call does. Does nothing without a sink.
 */
export class CallLamps {
  private caller: DialogLamp | undefined;
  private readonly branches: DialogLamp[] = [];
  private count = 0;
  /** Set by `replaced`: the call's confirmed dialogs were replaced, not hung up. */
  private byReplaces = false;

  constructor(private readonly init: CallLampsInit) {}

  /** The call reached call control: the calling extension's phone is in `trying`. */
  callerStarted(): void {
    const { sink, identity } = this.init;
    if (!sink || !identity.callerExtension) return;
    this.caller = this.lamp(identity.callerExtension, {
      callId: this.init.callerCallId,
      ...(this.init.callerTag ? { localTag: this.init.callerTag } : {}),
      direction: 'initiator',
      remote: `sip:${identity.destination}@${this.init.domain}`,
    });
  }

  callerRinging(): void {
    this.caller?.move('early');
  }

  callerAnswered(): void {
    this.caller?.move('confirmed');
  }

  /**
   * Call pickup: `extension`'s phone took the call with its own INVITE (Call-ID `callId`), now
   * confirmed with the caller as its remote; it ends with the call like a branch.
   */
  picked(extension: string, callId: string): void {
    const { sink, identity } = this.init;
    if (!sink) return;
    const lamp = this.lamp(extension, {
      callId,
      direction: 'initiator',
      remote: identity.callerUri,
      ...(identity.callerName ? { remoteName: identity.callerName } : {}),
    });
    lamp.move('confirmed');
    this.branches.push(lamp);
  }

  /** Wraps a branch to `targetKey` so that its responses move the rung extension's dialog. */
  branch(
    targetKey: string,
    listener: BranchListener<SipResponse>,
  ): { listener: BranchListener<SipResponse>; wrap: (handle: BranchHandle) => BranchHandle } | undefined {
    const extension = extensionKey(targetKey);
    const { sink, identity } = this.init;
    if (!sink || !extension) return undefined;
    const lamp = this.lamp(extension, {
      direction: 'recipient',
      remote: identity.callerUri,
      ...(identity.callerName ? { remoteName: identity.callerName } : {}),
    });
    this.branches.push(lamp);
    return {
      listener: {
        provisional: (status, response) => {
          // §3.7.1: a 1xx with a To tag creates the early dialog, without one the INVITE is proceeding.
          lamp.move(response.to.tag === undefined ? 'proceeding' : 'early', recipientIds(response));
          listener.provisional(status, response);
        },
        answered: (response) => {
          lamp.move('confirmed', recipientIds(response));
          listener.answered(response);
        },
        failed: (status, response, contacts) => {
          lamp.terminate(
            status === 408 ? { event: 'timeout', code: 408 } : { event: 'rejected', code: status },
          );
          listener.failed(status, response, contacts);
        },
      },
      wrap: (handle) => ({
        get callId() {
          return handle.callId;
        },
        cancel: (cause: CancelCause) => {
          lamp.terminate(CANCELLED);
          handle.cancel(cause);
        },
      }),
    };
  }

  /**
   * The call's dialogs end because another dialog replaced them (RFC 3891: attended transfer, INVITE
   * with Replaces): confirmed ones terminate with RFC 4235 §4.1.2 event `replaced`.
   */
  replaced(): void {
    this.byReplaces = true;
  }

  /** The call ended: every dialog still open terminates; in a confirmed one the side that hung up sent the BYE. */
  ended(disposition: Disposition, side: HangupSide, status?: number): void {
    const ending = (lamp: DialogLamp, own: HangupSide): Pick<ExtensionDialog, 'event' | 'code'> => {
      if (lamp.state === 'confirmed' && this.byReplaces) return { event: 'replaced' };
      if (lamp.state === 'confirmed')
        return side === 'system' ? {} : { event: side === own ? 'local-bye' : 'remote-bye' };
      if (disposition === 'cancelled' || own === 'callee') return CANCELLED;
      return { event: 'rejected', ...(status === undefined ? {} : { code: status }) };
    };
    if (this.caller) this.caller.terminate(ending(this.caller, 'caller'));
    for (const lamp of this.branches) lamp.terminate(ending(lamp, 'callee'));
  }

  private lamp(resource: string, init: Omit<ExtensionDialog, 'state' | 'id' | 'startedAt'>): DialogLamp {
    const { sink, call, wallNow, onError } = this.init;
    if (!sink) throw new Error('no dialog state sink');
    this.count += 1;
    return new DialogLamp(
      sink,
      resource,
      { ...init, id: `${call}-${this.count}`, startedAt: wallNow() },
      onError,
    );
  }
}

/**
 * A rung phone's dialog as that phone sees it (RFC 4235 §4.1.6): its To tag is its local tag, our
 * From tag the remote one.
 */
function recipientIds(response: SipResponse): Pick<ExtensionDialog, 'callId' | 'localTag' | 'remoteTag'> {
  return {
    callId: response.callId,
    ...(response.to.tag ? { localTag: response.to.tag } : {}),
    ...(response.from.tag ? { remoteTag: response.from.tag } : {}),
  };
}
