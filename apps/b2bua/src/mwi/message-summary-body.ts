/** The event package and body type of message-waiting indication (RFC 3842 §3.2, §3.4). */
export const MESSAGE_SUMMARY_EVENT = 'message-summary';
export const MESSAGE_SUMMARY_TYPE = 'application/simple-message-summary';

/** Counts of one mailbox: heard = false counts as new (RFC 3842 §5.2 "new/old"). */
export interface MailboxCounts {
  readonly newMessages: number;
  readonly oldMessages: number;
  readonly newUrgent?: number;
  readonly oldUrgent?: number;
}

export interface MessageSummaryInput extends MailboxCounts {
  /** The mailbox's account URI, e.g. sip:201@pbx.example.com (RFC 3842 §5.2 Message-Account). */
  readonly account: string;
}

/** A count in the body: a non-negative integer; anything else is a programming error. */
function count(value: number | undefined, name: string): number {
  const v = value ?? 0;
  if (!Number.isSafeInteger(v) || v < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * The application/simple-message-summary body (RFC 3842 §5.2), lines ending in CRLF:
 *
 *     Messages-Waiting: yes
 *     Message-Account: sip:201@pbx.example.com
 *     Voice-Message: 2/8 (0/0)
 */
export function buildMessageSummary(input: MessageSummaryInput): string {
  const fresh = count(input.newMessages, 'newMessages');
  const old = count(input.oldMessages, 'oldMessages');
  const urgent = count(input.newUrgent, 'newUrgent');
  const oldUrgent = count(input.oldUrgent, 'oldUrgent');
  if (/[\r\n]/.test(input.account)) throw new RangeError('the account URI must be one line');
  return (
    `Messages-Waiting: ${fresh > 0 ? 'yes' : 'no'}\r\n` +
    `Message-Account: ${input.account}\r\n` +
    `Voice-Message: ${fresh}/${old} (${urgent}/${oldUrgent})\r\n`
  );
}
