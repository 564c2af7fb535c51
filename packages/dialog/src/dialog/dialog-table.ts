import { type Dialog } from './dialog.js';
import { dialogKey } from './dialog-id.js';
import { type IncomingRequest, type IncomingResponse } from './dialog-message.js';

/** The dialogs of one UA core, found by the dialog id of incoming messages (§12.2.2); drops terminated ones. */
export class DialogTable {
  private readonly dialogs = new Map<string, Dialog>();

  add(dialog: Dialog): void {
    this.dialogs.set(dialog.key, dialog);
  }

  /** A request's dialog: local tag = To tag, remote tag = From tag. */
  matchRequest(request: IncomingRequest): Dialog | undefined {
    const tag = request.to.tag;
    if (tag === undefined) return undefined;
    return this.live(dialogKey({ callId: request.callId, localTag: tag, remoteTag: request.from.tag ?? '' }));
  }

  /** A response's dialog: local tag = From tag, remote tag = To tag. */
  matchResponse(response: IncomingResponse): Dialog | undefined {
    const tag = response.from.tag;
    if (tag === undefined) return undefined;
    return this.live(dialogKey({ callId: response.callId, localTag: tag, remoteTag: response.to.tag ?? '' }));
  }

  get size(): number {
    this.prune();
    return this.dialogs.size;
  }

  prune(): void {
    for (const [key, d] of this.dialogs) if (d.state === 'terminated') this.dialogs.delete(key);
  }

  private live(key: string): Dialog | undefined {
    const d = this.dialogs.get(key);
    if (d?.state === 'terminated') {
      this.dialogs.delete(key);
      return undefined;
    }
    return d;
  }
}
