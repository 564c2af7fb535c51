import type { MessageWaitingNotifier } from '../voicemail/message-waiting-notifier.js';

/** Tells every listener (MWI, e-mail); one failing does not keep the others from hearing it. */
export class FanOutNotifier implements MessageWaitingNotifier {
  constructor(private readonly listeners: readonly MessageWaitingNotifier[]) {}

  async mailboxChanged(extensionNumber: string): Promise<void> {
    const results = await Promise.allSettled(this.listeners.map((l) => l.mailboxChanged(extensionNumber)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
}
