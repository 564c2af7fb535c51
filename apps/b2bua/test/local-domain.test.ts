import { loadConfig } from '@switchboard/config';
import { parseUri } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { LocalDomain } from '../src/sip/local-domain.js';

const config = loadConfig({
  DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db',
  REDIS_URL: 'redis://127.0.0.1:1',
  SWITCHBOARD_SIP_DOMAIN: 'PBX.Example',
  SWITCHBOARD_SIP_PUBLIC_ADDRESS: '192.0.2.10',
});

describe('LocalDomain', () => {
  let addresses = ['192.0.2.10', '10.1.2.3', 'fe80::1'];
  const local = new LocalDomain(config, () => addresses, 'desk-box');
  const owns = (uri: string): boolean => local.owns(parseUri(uri));

  it('owns the configured domain (any case), the public address, the host name and every loopback address', () => {
    expect(owns('sip:1001@pbx.example')).toBe(true);
    expect(owns('sip:192.0.2.10')).toBe(true);
    expect(owns('sip:1001@DESK-BOX')).toBe(true);
    expect(owns('sip:1001@localhost')).toBe(true);
    expect(owns('sip:1001@127.0.0.1')).toBe(true);
    expect(owns('sip:1001@127.1.2.3:5070')).toBe(true);
    expect(owns('sip:1001@[::1]')).toBe(true);
  });

  it("owns any other address of this host's interfaces, read again after they change", () => {
    expect(owns('sip:1001@10.1.2.3')).toBe(true);
    expect(owns('sips:1001@[fe80::1]')).toBe(true);
    expect(owns('sip:1001@10.9.9.9')).toBe(false);
    addresses = [...addresses, '10.9.9.9'];
    expect(owns('sip:1001@10.9.9.9')).toBe(true);
  });

  it('does not own foreign names or addresses, nor tel: URIs', () => {
    expect(owns('sip:1001@other.example')).toBe(false);
    expect(owns('sip:1001@198.51.100.1')).toBe(false);
    expect(owns('tel:+15551234')).toBe(false);
  });
});
