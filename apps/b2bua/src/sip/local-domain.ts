import os from 'node:os';
import { isIP } from 'node:net';
import type { SwitchboardConfig } from '@switchboard/config';
import type { Uri } from '@switchboard/sip';

/** The host's own addresses, read again when asked (DHCP and VPNs change them while we run). */
export type HostAddresses = () => readonly string[];

const systemAddresses: HostAddresses = () =>
  Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));

/**
 * The hosts this PBX is responsible for (RFC 3261 §10.3 step 1, §16.4): the configured SIP domain,
 * its public and bind addresses, this machine's host name, and any address of this host, so a phone
 * pointed at 127.0.0.1 or at another interface of the box is served rather than answered 404.
 * Host names compare case-insensitively with IPv6 brackets removed (RFC 3261 §19.1.4).
 */
export class LocalDomain {
  private readonly hosts: ReadonlySet<string>;

  constructor(
    config: SwitchboardConfig,
    private readonly hostAddresses: HostAddresses = systemAddresses,
    hostName: string = os.hostname(),
  ) {
    const { domain, publicAddress, bindAddress } = config.sip;
    this.hosts = new Set([domain, publicAddress, bindAddress, hostName, 'localhost'].map(normalizeHost));
  }

  /** True for a sip/sips URI whose host is one of ours. */
  owns(uri: Uri): boolean {
    if (uri.kind !== 'sip') return false;
    const host = normalizeHost(uri.host);
    if (this.hosts.has(host)) return true;
    if (isIP(host) === 0) return false;
    // The whole 127.0.0.0/8 block is this host (RFC 1122 §3.2.1.3).
    if (host.startsWith('127.') || host === '::1') return true;
    return this.hostAddresses().some((a) => normalizeHost(a) === host);
  }
}

function normalizeHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}
