import type { OutgoingRequest } from '@switchboard/dialog';
import { reasonPhrase } from '@switchboard/sip';
import type { Logger } from '@switchboard/config';
import type { BridgeSide } from '../bridge/call-bridge.js';
import type { CallLogIds } from '../call-session-hooks.js';

/** How long the implicit subscription of a REFER lasts at most (RFC 3515 §2.4.5: our choice). */
export const REFER_SUBSCRIPTION_SECONDS = 60;

/** Where a referred call's progress goes (the REFER's subscription, or nobody). */
export interface TransferProgress {
  progress(status: number, reason?: string): void;
  final(status: number, reason?: string, then?: () => void): void;
}

/** A call the PBX refers by itself (a parked call ringing its parker again): nobody to tell. */
export const SILENT_PROGRESS: TransferProgress = {
  progress: () => undefined,
  final: (_status, _reason, then) => then?.(),
};

/**
 * The implicit `refer` subscription a REFER creates (RFC 3515 §2.4.4): one NOTIFY per progress step
 * of the referred call on the transferor's dialog, each a `message/sipfrag` status line (§2.4.5);
 * the final one says `Subscription-State: terminated` (RFC 6665 §4.1.3). A NOTIFY is sent once the
 * previous one has its final response, so they arrive in order; `then` runs after the last one.
 */
export class TransferNotifier implements TransferProgress {
  private readonly queue: Array<{ status: number; reason: string; final: boolean }> = [];
  private sending = false;
  private closed = false;
  private afterLast: (() => void) | undefined;

  constructor(
    private readonly transferor: BridgeSide,
    private readonly logger: Logger,
    private readonly log: CallLogIds,
  ) {}

  /** A provisional status of the referred call (100 Trying, 180 Ringing): the subscription stays active. */
  progress(status: number, reason = reasonPhrase(status)): void {
    this.push(status, reason, false);
  }

  /** The referred call's final status; `then` runs once this last NOTIFY was answered (or failed). */
  final(status: number, reason = reasonPhrase(status), then?: () => void): void {
    if (this.closed) return;
    this.afterLast = then;
    this.push(status, reason, true);
  }

  private push(status: number, reason: string, final: boolean): void {
    if (this.closed) return;
    if (final) this.closed = true;
    this.queue.push({ status, reason, final });
    this.next();
  }

  private next(): void {
    if (this.sending) return;
    const item = this.queue.shift();
    if (!item) return;
    const { dialog, route } = this.transferor;
    let notify: OutgoingRequest;
    try {
      notify = dialog.createRequest('NOTIFY', {
        headers: [
          { name: 'Event', value: 'refer' },
          {
            name: 'Subscription-State',
            value: item.final
              ? 'terminated;reason=noresource'
              : `active;expires=${REFER_SUBSCRIPTION_SECONDS}`,
          },
        ],
        body: {
          contentType: 'message/sipfrag;version=2.0',
          content: `SIP/2.0 ${item.status} ${item.reason}\r\n`,
        },
      });
    } catch (err) {
      // The transferor's dialog ended meanwhile: nobody to tell.
      this.logger.info({ ...this.log, err }, 'transfer NOTIFY not sent: the transferor dialog ended');
      this.done(item.final);
      this.next();
      return;
    }
    this.sending = true;
    // A failed NOTIFY ends only the subscription usage, never the call (RFC 5057 §5.2).
    const settled = (outcome: string): void => {
      if (outcome !== 'answered') this.logger.warn({ ...this.log, outcome }, 'transfer NOTIFY failed');
      this.sending = false;
      this.done(item.final);
      this.next();
    };
    route.send(notify, {
      onResponse: (res) => {
        if (res.kind === 'response' && res.status >= 200)
          settled(res.status < 300 ? 'answered' : `${res.status} ${res.reason}`);
      },
      onTimeout: () => settled('timeout'),
      onTransportError: () => settled('transport error'),
    });
  }

  private done(final: boolean): void {
    if (!final) return;
    this.queue.length = 0;
    const then = this.afterLast;
    this.afterLast = undefined;
    then?.();
  }
}
