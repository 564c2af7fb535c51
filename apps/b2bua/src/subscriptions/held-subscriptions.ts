/**
 * The subscriptions this signalling process holds (it NOTIFYs only those: `sub.node` is its node
 * id), per account, with their expiry. A dialog or presence change of an account this process
 * holds nothing for needs no Redis read: on a busy PBX most extensions are watched by nobody, and
 * each call moves ~8 dialog states.
 */
export class HeldSubscriptions {
  private readonly byAccount = new Map<string, Map<string, number>>();

  add(account: string, id: string, expiresAt: number): void {
    const subs = this.byAccount.get(account) ?? new Map<string, number>();
    this.byAccount.set(account, subs);
    subs.set(id, expiresAt);
  }

  remove(account: string, id: string): void {
    const subs = this.byAccount.get(account);
    if (!subs) return;
    subs.delete(id);
    if (subs.size === 0) this.byAccount.delete(account);
  }

  /** True while some subscription of `account` held here has not expired; expired ones are forgotten. */
  holdsAny(account: string, now: number): boolean {
    const subs = this.byAccount.get(account);
    if (!subs) return false;
    for (const [id, expiresAt] of subs) if (expiresAt <= now) subs.delete(id);
    if (subs.size === 0) this.byAccount.delete(account);
    return subs.size > 0;
  }

  get size(): number {
    return this.byAccount.size;
  }
}
