import net from 'node:net';
import type { Logger } from '@switchboard/config';
import type { RegistrationBinding } from '@switchboard/live-state';
import { parseUri } from '@switchboard/sip';
import type { Clock, TimerHandle } from '@switchboard/transactions';

export type KeepAliveKind = 'options' | 'crlf' | 'off';

/** What one ping found: any SIP response (even 404/405) means the pinhole is open. */
export type PingOutcome = 'answered' | 'sent' | 'timeout' | 'transport-error';

export interface NatKeepAliveOptions {
  readonly kind: KeepAliveKind;
  readonly intervalMs: number;
  readonly clock: Clock;
  /** Unix ms now (binding expiry times are wall-clock). */
  readonly wallNow: () => number;
  readonly logger: Logger;
  /** Sends one OPTIONS (resolves at its final response or timeout) or one CRLF keep-alive. */
  readonly ping: (binding: RegistrationBinding, kind: 'options' | 'crlf') => Promise<PingOutcome>;
}

interface Tracked {
  binding: RegistrationBinding;
  inFlight: boolean;
  /** The phone stopped answering OPTIONS (logged once until it answers again). */
  silent: boolean;
}

/**
 * Keep-alive pings to phones registered over UDP from behind a NAT (RFC 3261 §10 + RFC 3581: the
 * REGISTER's source address or port differs from its Contact), so the NAT's UDP mapping stays open
 * and calls reach them: every `intervalMs` on the injected clock, an OPTIONS (RFC 3261 §11) or a
 * CRLF (RFC 5626 §3.5.1 style, for phones that mind OPTIONS). A phone that stops answering OPTIONS
 * is logged once (and again when it answers); its binding is kept until it expires, as the phone
 * may only be ignoring OPTIONS: calls to it still get their own timeout. Each signalling process
 * pings the bindings it accepted (they came through its socket, so its pings follow the mapping).
 */
export class NatKeepAlive {
  private readonly tracked = new Map<string, Tracked>();
  /** Pings sent, and how they ended (for metrics and tests). */
  readonly stats = { sent: 0, answered: 0, unanswered: 0 };
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: NatKeepAliveOptions) {}

  get size(): number {
    return this.tracked.size;
  }

  start(): void {
    if (this.options.kind !== 'off') this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** The bindings of `aor` after a REGISTER this process accepted (`node` = this process). */
  registered(aor: string, bindings: readonly RegistrationBinding[], node: string): void {
    if (this.options.kind === 'off') return;
    for (const key of [...this.tracked.keys()]) if (key.startsWith(`${aor} `)) this.tracked.delete(key);
    for (const binding of bindings) {
      // A binding with a Path is reached through its proxy, which keeps its own NAT (RFC 3327 §5.3).
      if (binding.path || binding.node !== node || (binding.transport ?? 'UDP') !== 'UDP') continue;
      if (!isBehindNat(binding)) continue;
      this.tracked.set(`${aor} ${binding.contact}`, { binding, inFlight: false, silent: false });
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.schedule(this.options.intervalMs, () => {
      this.pingAll();
      this.schedule();
    });
  }

  private pingAll(): void {
    const now = this.options.wallNow();
    const kind = this.options.kind === 'crlf' ? 'crlf' : 'options';
    for (const [key, t] of this.tracked) {
      if (t.binding.expiresAt <= now) {
        this.tracked.delete(key);
        continue;
      }
      if (t.inFlight) continue;
      t.inFlight = true;
      this.stats.sent += 1;
      this.options
        .ping(t.binding, kind)
        .catch((): PingOutcome => 'transport-error')
        .then((outcome) => this.outcome(t, outcome))
        .catch((err: unknown) => this.options.logger.warn({ err }, 'NAT keep-alive failed'));
    }
  }

  private outcome(t: Tracked, outcome: PingOutcome): void {
    t.inFlight = false;
    const { aor, contact, sourceAddress } = t.binding;
    const alive = outcome === 'answered' || outcome === 'sent';
    if (outcome === 'answered') this.stats.answered += 1;
    else if (!alive) this.stats.unanswered += 1;
    if (!alive && !t.silent) {
      t.silent = true;
      this.options.logger.warn(
        { aor, contact, source: sourceAddress, outcome },
        'NAT keep-alive: phone does not answer OPTIONS (binding kept until it expires)',
      );
    } else if (alive && t.silent) {
      t.silent = false;
      this.options.logger.info(
        { aor, contact, source: sourceAddress },
        'NAT keep-alive: phone answers again',
      );
    }
  }
}

/** The REGISTER came from another address or port than its Contact names (received/rport). */
export function isBehindNat(binding: RegistrationBinding): boolean {
  const source = /^\[?([^\]]+?)\]?:(\d+)$/.exec(binding.sourceAddress ?? '');
  if (!source) return false;
  let contactHost: string;
  let contactPort: number;
  try {
    const uri = parseUri(binding.contact);
    if (uri.kind !== 'sip') return false;
    contactHost = uri.host.replace(/^\[|\]$/g, '').toLowerCase();
    contactPort = uri.port ?? 5060;
  } catch {
    return false;
  }
  const sourceHost = source[1]!.toLowerCase();
  // A host name in a Contact says nothing about the address; its port still does.
  const hostDiffers = net.isIP(contactHost) !== 0 && contactHost !== sourceHost;
  return hostDiffers || contactPort !== Number(source[2]);
}
