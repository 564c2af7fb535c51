import { generateTag } from '@switchboard/sip';

/**
 * The caller's early dialogs, one per early dialog on the callee side (a branch's leg Call-ID and
 * the To-tag its 18x carried). A forking proxy hands each branch's 18x on with that branch's own
 * To-tag (RFC 3261 §16.7, §12.1.2), and the B2BUA does the same: each branch's early media become
 * an early dialog of its own at the caller with its own SDP (RFC 3264 §8, RFC 6337 §3.1, §5), and
 * the 2xx carries the tag of the early dialog whose branch answered (§13.2.2.4), so the caller
 * keeps the media of that branch. The first early dialog gets the caller leg's first tag, so a
 * call to one phone looks as it did with a single tag.
 */
export class CallerEarlyDialogs {
  private readonly tags = new Map<string, string>();

  constructor(private readonly firstTag: string) {}

  /** Our To-tag toward the caller for the early dialog `calleeTag` of leg `legCallId`. */
  tagFor(legCallId: string, calleeTag: string | undefined): string {
    const key = `${legCallId}\n${calleeTag ?? ''}`;
    let tag = this.tags.get(key);
    if (tag === undefined) {
      tag = this.tags.size === 0 ? this.firstTag : generateTag();
      this.tags.set(key, tag);
    }
    return tag;
  }

  /** Is `tag` one of the To-tags we gave the caller (or the first one, before any 18x)? */
  has(tag: string | undefined): boolean {
    if (tag === undefined) return false;
    return tag === this.firstTag || [...this.tags.values()].includes(tag);
  }
}
