import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';

/**
 * A small network of the test's own, on one machine (ip netns + veth + iptables MASQUERADE):
 *
 *   [phone ns] 10.201.1.2 ── 10.201.1.1 [router ns] 10.201.2.2 ── 10.201.2.1 (this namespace: PBX, rtpengine)
 *   [out ns]   10.201.3.2 ── 10.201.3.1 (this namespace)
 *
 * The router masquerades the phone behind 10.201.2.2 (a home NAT); the out namespace is a phone on
 * another network reaching the PBX directly. Only these veths carry traffic; `remove()` deletes every
 * namespace and veth created (the router's NAT rule goes with its namespace), also after a failure.
 */
export interface NatNetwork {
  readonly phoneNs: string;
  readonly outNs: string;
  readonly phoneAddress: string;
  readonly natAddress: string;
  readonly outAddress: string;
  /** The PBX side: the address this namespace has towards the router and the out phone. */
  readonly pbxAddress: string;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNs(ns: string, cmd: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why namespaces cannot be made here (not root, no `ip`, no iptables), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    execFileSync('iptables', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    return `ip netns / iptables not usable: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}

export function createNatNetwork(): NatNetwork {
  const id = crypto.randomBytes(2).toString('hex');
  const phoneNs = `sbm-phone-${id}`;
  const routerNs = `sbm-nat-${id}`;
  const outNs = `sbm-out-${id}`;
  // veth names are limited to 15 characters.
  const pbxToRouter = `sbm${id}r0`;
  const pbxToOut = `sbm${id}o0`;
  const created: { namespaces: string[]; links: string[] } = { namespaces: [], links: [] };
  const remove = (): void => {
    for (const link of created.links) {
      try {
        ip('link', 'del', link);
      } catch {
        // gone with its namespace already
      }
    }
    for (const ns of created.namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  };
  try {
    for (const ns of [phoneNs, routerNs, outNs]) {
      ip('netns', 'add', ns);
      created.namespaces.push(ns);
      inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
    }
    // phone <-> router
    ip(
      'link',
      'add',
      `sbm${id}p0`,
      'netns',
      phoneNs,
      'type',
      'veth',
      'peer',
      'name',
      `sbm${id}p1`,
      'netns',
      routerNs,
    );
    inNs(phoneNs, 'ip', 'addr', 'add', '10.201.1.2/24', 'dev', `sbm${id}p0`);
    inNs(phoneNs, 'ip', 'link', 'set', `sbm${id}p0`, 'up');
    inNs(phoneNs, 'ip', 'route', 'add', 'default', 'via', '10.201.1.1');
    inNs(routerNs, 'ip', 'addr', 'add', '10.201.1.1/24', 'dev', `sbm${id}p1`);
    inNs(routerNs, 'ip', 'link', 'set', `sbm${id}p1`, 'up');
    // router <-> PBX (this namespace)
    ip('link', 'add', pbxToRouter, 'type', 'veth', 'peer', 'name', `sbm${id}r1`, 'netns', routerNs);
    created.links.push(pbxToRouter);
    ip('addr', 'add', '10.201.2.1/24', 'dev', pbxToRouter);
    ip('link', 'set', pbxToRouter, 'up');
    inNs(routerNs, 'ip', 'addr', 'add', '10.201.2.2/24', 'dev', `sbm${id}r1`);
    inNs(routerNs, 'ip', 'link', 'set', `sbm${id}r1`, 'up');
    inNs(routerNs, 'ip', 'route', 'add', 'default', 'via', '10.201.2.1');
    inNs(routerNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    inNs(routerNs, 'iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', `sbm${id}r1`, '-j', 'MASQUERADE');
    // out phone <-> PBX
    ip('link', 'add', pbxToOut, 'type', 'veth', 'peer', 'name', `sbm${id}o1`, 'netns', outNs);
    created.links.push(pbxToOut);
    ip('addr', 'add', '10.201.3.1/24', 'dev', pbxToOut);
    ip('link', 'set', pbxToOut, 'up');
    inNs(outNs, 'ip', 'addr', 'add', '10.201.3.2/24', 'dev', `sbm${id}o1`);
    inNs(outNs, 'ip', 'link', 'set', `sbm${id}o1`, 'up');
    inNs(outNs, 'ip', 'route', 'add', 'default', 'via', '10.201.3.1');
  } catch (err) {
    remove();
    throw err;
  }
  return {
    phoneNs,
    outNs,
    phoneAddress: '10.201.1.2',
    natAddress: '10.201.2.2',
    outAddress: '10.201.3.2',
    pbxAddress: '10.201.2.1',
    remove,
  };
}
