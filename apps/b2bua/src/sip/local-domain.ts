import type { SwitchboardConfig } from '@switchboard/config';
import type { Uri } from '@switchboard/sip';

/**
 * The hosts this PBX is responsible for (the SIP domain, and its public and bind addresses), compared
 * case-insensitively with IPv6 brackets removed (RFC 3261 §19.1.4: host names compare without case).
 */
export class LocalDomain {
  private readonly hosts: ReadonlySet<string>;

  constructor(config: SwitchboardConfig) {
    const { domain, publicAddress, bindAddress } = config.sip;
    this.hosts = new Set([domain, publicAddress, bindAddress].map(normalizeHost));
  }

  /** True for a sip/sips URI whose host is one of ours. */
  owns(uri: Uri): boolean {
    return uri.kind === 'sip' && this.hosts.has(normalizeHost(uri.host));
  }
}

function normalizeHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}
