/** RFC 3261 §12: a dialog is identified by Call-ID, local tag and remote tag. */
export interface DialogId {
  callId: string;
  localTag: string;
  /** Empty when the peer sent no tag (RFC 2543 peers, §12.1.1). */
  remoteTag: string;
}

/** A string key for maps; the separator cannot occur in a token-valued tag. */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\n${id.localTag}\n${id.remoteTag}`;
}
