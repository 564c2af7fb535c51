import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';

/**
 * A caller's network with real packet loss, on one machine: a namespace joined to this one by a
 * veth pair, whose kernel drops `lossPercent` % of the UDP datagrams it receives and sends
 * (iptables `statistic --mode random`; `tc netem` is not in every kernel, e.g. this CI's).
 *
 *   [caller ns] 10.201.17.2 ── 10.201.17.1 (this namespace: the PBX)
 *
 * `remove()` deletes the namespace, its veth and its rules (they live in the namespace), also after
 * a failure. Only traffic between these two addresses crosses it.
 */
export interface LossyNetwork {
  readonly ns: string;
  readonly callerAddress: string;
  readonly pbxAddress: string;
  /** Datagrams the namespace's kernel dropped so far (both directions). */
  dropped(): number;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createLossyNetwork(lossPercent: number): LossyNetwork {
  const id = crypto.randomBytes(2).toString('hex');
  const ns = `sbl-caller-${id}`;
  const host = `sbl${id}h0`; // veth names are limited to 15 characters
  const peer = `sbl${id}c0`;
  const inNs = (...args: string[]): void => ip('netns', 'exec', ns, ...args);
  let hostRule: string[] | undefined;
  const remove = (): void => {
    if (hostRule)
      try {
        execFileSync('iptables', ['-D', ...hostRule], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    try {
      ip('netns', 'del', ns); // takes its end of the veth, and with it the pair
    } catch {
      // not created
    }
  };
  try {
    ip('netns', 'add', ns);
    inNs('ip', 'link', 'set', 'lo', 'up');
    ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', ns);
    ip('addr', 'add', '10.201.17.1/24', 'dev', host);
    ip('link', 'set', host, 'up');
    inNs('ip', 'addr', 'add', '10.201.17.2/24', 'dev', peer);
    inNs('ip', 'link', 'set', peer, 'up');
    // Dropped on arrival at each end: the caller's incoming datagrams in its namespace, its
    // outgoing ones as they reach this namespace over the veth (an OUTPUT drop would fail sipp's send
    // with EPERM instead of losing the datagram on the wire).
    const probability = String(lossPercent / 100);
    const rule = [
      '-p',
      'udp',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      probability,
      '-j',
      'DROP',
    ];
    inNs('iptables', '-A', 'INPUT', ...rule);
    execFileSync('iptables', ['-I', 'INPUT', '-i', host, ...rule], { stdio: ['ignore', 'ignore', 'pipe'] });
    hostRule = ['INPUT', '-i', host, ...rule];
  } catch (err) {
    remove();
    throw err;
  }
  const dropped = (): number => {
    const listing = (prefix: string[]): string =>
      execFileSync(prefix[0]!, [...prefix.slice(1), 'iptables', '-L', 'INPUT', '-v', '-x', '-n'], {
        encoding: 'utf8',
      });
    let n = 0;
    for (const rules of [listing(['ip', 'netns', 'exec', ns]), listing(['env'])])
      for (const m of rules.matchAll(/^\s*(\d+)\s+\d+\s+DROP\b.*statistic/gm)) n += Number(m[1]);
    return n;
  };
  return { ns, callerAddress: '10.201.17.2', pbxAddress: '10.201.17.1', dropped, remove };
}
