/**
 * Told whenever a mailbox's message counts may have changed (a message stored, heard or deleted), so that
 * message-waiting indication (RFC 3842) can NOTIFY the phones of that extension.
 */
export interface MessageWaitingNotifier {
  mailboxChanged(extensionNumber: string): Promise<void>;
}

/** Injection token for the MessageWaitingNotifier. */
export const MESSAGE_WAITING_NOTIFIER = Symbol('MessageWaitingNotifier');

/** The default when no MWI is wired: nothing to notify. */
export class NoopMessageWaitingNotifier implements MessageWaitingNotifier {
  mailboxChanged(): Promise<void> {
    return Promise.resolve();
  }
}
