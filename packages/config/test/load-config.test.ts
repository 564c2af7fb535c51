import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../src/index.js';

const base = {
  DATABASE_URL: 'postgresql://postgres:secret@127.0.0.1:5432/switchboard',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function problemsOf(env: NodeJS.ProcessEnv): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults for everything but the two URLs', () => {
    const c = loadConfig(base);
    expect(c.sip).toEqual({
      bindAddress: '0.0.0.0',
      publicAddress: '127.0.0.1',
      domain: '127.0.0.1',
      udpPort: 5060,
      tcpPort: 5060,
      tlsPort: 0,
      wsPort: 0,
      udpMaxBytes: 1300,
      maxMessageBytes: 65_535,
    });
    expect(c.sdp).toEqual({ maxMedia: 32 });
    expect(c.admin).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.rtp).toEqual({ portMin: 20000, portMax: 20999 });
    expect(c.logLevel).toBe('info');
    expect(c.logFormat).toBe('json');
    expect(c.routing).toEqual({
      plugins: [
        '@switchboard/plugin-inbound-routes',
        '@switchboard/plugin-business-hours',
        '@switchboard/plugin-ivr',
        '@switchboard/plugin-conference',
        '@switchboard/plugin-ring-group',
        '@switchboard/plugin-find-me',
        '@switchboard/plugin-extensions',
        '@switchboard/plugin-outbound-routes',
      ],
      timeoutMs: 3000,
      pickupMs: 500,
      pluginTimeoutMs: 1000,
      concurrency: 64,
      batchWindowMs: 5,
      batchMax: 32,
      fallback: { kind: 'unavailable' },
      cacheMs: 0,
    });
    expect(c.overload).toEqual({
      maxRoutingBacklog: 200,
      maxLoopLagMs: 100,
      maxIntakeDelayMs: 20,
      maxCalls: 5000,
      retryAfterSeconds: 5,
    });
    expect(c.deadNodeSeconds).toBe(10);
  });

  it('reads the cluster peers as ip:port pairs; anything else is refused', () => {
    expect(loadConfig(base).clusterPeers).toEqual([]);
    expect(
      loadConfig({ ...base, SWITCHBOARD_CLUSTER_PEERS: '10.0.0.2:5060, 10.0.0.3:5070' }).clusterPeers,
    ).toEqual(['10.0.0.2:5060', '10.0.0.3:5070']);
    expect(loadConfig({ ...base, SWITCHBOARD_CLUSTER_PEERS: 'none' }).clusterPeers).toEqual([]);
    for (const bad of ['pbx2.example:5060', '10.0.0.2', '300.0.0.1:5060', '10.0.0.2:70000'])
      expect(problemsOf({ ...base, SWITCHBOARD_CLUSTER_PEERS: bad })[0]?.variable).toBe(
        'SWITCHBOARD_CLUSTER_PEERS',
      );
  });

  it('bounds the dead-node time below by the heartbeat alive window', () => {
    expect(loadConfig({ ...base, SWITCHBOARD_DEAD_NODE_SECONDS: '4' }).deadNodeSeconds).toBe(4);
    expect(problemsOf({ ...base, SWITCHBOARD_DEAD_NODE_SECONDS: '2' })).toEqual([
      {
        variable: 'SWITCHBOARD_DEAD_NODE_SECONDS',
        message: 'must be at least 3 (the heartbeat alive window)',
      },
    ]);
  });

  it('takes the routing lookup cache time and bounds it', () => {
    expect(loadConfig({ ...base, SWITCHBOARD_ROUTING_CACHE_MS: '1000' }).routing.cacheMs).toBe(1000);
    expect(problemsOf({ ...base, SWITCHBOARD_ROUTING_CACHE_MS: '-1' })).toEqual([
      { variable: 'SWITCHBOARD_ROUTING_CACHE_MS', message: 'must be 0 or more' },
    ]);
  });

  it('serves cached directory rows through a database outage for an hour by default; 0 is off', () => {
    expect(loadConfig(base).database.outageCacheSeconds).toBe(3600);
    expect(
      loadConfig({ ...base, SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS: '0' }).database.outageCacheSeconds,
    ).toBe(0);
    expect(problemsOf({ ...base, SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS: '90000' })).toEqual([
      { variable: 'SWITCHBOARD_DB_OUTAGE_CACHE_SECONDS', message: 'must be at most 86400 (1 day)' },
    ]);
  });

  it('reads the message size and SDP m-line caps and names a value out of range', () => {
    const c = loadConfig({
      ...base,
      SWITCHBOARD_SIP_MAX_MESSAGE_BYTES: '8000',
      SWITCHBOARD_SDP_MAX_MEDIA: '4',
    });
    expect(c.sip.maxMessageBytes).toBe(8000);
    expect(c.sdp.maxMedia).toBe(4);
    expect(
      problemsOf({ ...base, SWITCHBOARD_SIP_MAX_MESSAGE_BYTES: '100', SWITCHBOARD_SDP_MAX_MEDIA: '0' }),
    ).toEqual([
      { variable: 'SWITCHBOARD_SIP_MAX_MESSAGE_BYTES', message: 'must be at least 4096' },
      { variable: 'SWITCHBOARD_SDP_MAX_MEDIA', message: 'must be at least 1' },
    ]);
  });

  it('limits answered calls to 4 hours by default; 0 is no limit', () => {
    expect(loadConfig(base).calls.maxDurationSeconds).toBe(14_400);
    expect(loadConfig({ ...base, SWITCHBOARD_MAX_CALL_SECONDS: '0' }).calls.maxDurationSeconds).toBe(0);
    expect(problemsOf({ ...base, SWITCHBOARD_MAX_CALL_SECONDS: '-5' })).toEqual([
      { variable: 'SWITCHBOARD_MAX_CALL_SECONDS', message: 'must be 0 (no limit) or more' },
    ]);
  });

  it('turns RFC 4028 session timers on by default (1800 s asked, Min-SE 90); Min-SE may not exceed the interval', () => {
    expect(loadConfig(base).calls.sessionTimers).toEqual({
      enabled: true,
      expiresSeconds: 1800,
      minSeSeconds: 90,
    });
    const off = loadConfig({ ...base, SWITCHBOARD_SESSION_TIMERS: 'false' }).calls.sessionTimers;
    expect(off.enabled).toBe(false);
    expect(problemsOf({ ...base, SWITCHBOARD_SESSION_EXPIRES: '60' })).toEqual([
      { variable: 'SWITCHBOARD_SESSION_MIN_SE', message: 'must not be above SWITCHBOARD_SESSION_EXPIRES' },
    ]);
    expect(problemsOf({ ...base, SWITCHBOARD_SESSION_TIMERS: 'yes' })).toEqual([
      { variable: 'SWITCHBOARD_SESSION_TIMERS', message: "must be 'true' or 'false'" },
    ]);
  });

  it('parses the routing fallback and names a bad one', () => {
    const fallback = (v: string) => loadConfig({ ...base, SWITCHBOARD_ROUTING_FALLBACK: v }).routing.fallback;
    expect(fallback('503')).toEqual({ kind: 'unavailable' });
    expect(fallback('extension:200')).toEqual({ kind: 'extension', extension: '200' });
    expect(fallback('voicemail:*97')).toEqual({ kind: 'voicemail', mailbox: '*97' });
    expect(fallback('reject:486')).toEqual({ kind: 'reject', status: 486 });
    const help = "must be '503', 'extension:<number>', 'voicemail:<mailbox>' or 'reject:<400-699>'";
    for (const bad of ['404', 'extension:', 'extension:abc', 'reject:200', 'reject:700', 'sip:200@x']) {
      expect(problemsOf({ ...base, SWITCHBOARD_ROUTING_FALLBACK: bad })).toEqual([
        { variable: 'SWITCHBOARD_ROUTING_FALLBACK', message: `${help}, got '${bad}'` },
      ]);
    }
  });

  it('has secure registrar and authentication defaults', () => {
    const c = loadConfig(base);
    expect(c.registrar).toEqual({ minExpires: 60, maxExpires: 3600, flowTimer: 90 });
    expect(c.auth).toEqual({ algorithms: ['SHA-256', 'MD5'], maxFailures: 10, lockoutSeconds: 300 });
    expect(c.tls).toBeUndefined();
  });

  it('reads the digest algorithm order, expiry bounds, lockout and TLS files', () => {
    const c = loadConfig({
      ...base,
      SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'md5, sha-256',
      SWITCHBOARD_REGISTER_MIN_EXPIRES: '30',
      SWITCHBOARD_REGISTER_MAX_EXPIRES: '600',
      SWITCHBOARD_REGISTER_FLOW_TIMER: '25',
      SWITCHBOARD_AUTH_MAX_FAILURES: '3',
      SWITCHBOARD_AUTH_LOCKOUT_SECONDS: '60',
      SWITCHBOARD_SIP_TLS_CERT: '/etc/switchboard/cert.pem',
      SWITCHBOARD_SIP_TLS_KEY: '/etc/switchboard/key.pem',
    });
    expect(c.auth).toEqual({ algorithms: ['MD5', 'SHA-256'], maxFailures: 3, lockoutSeconds: 60 });
    expect(c.registrar).toEqual({ minExpires: 30, maxExpires: 600, flowTimer: 25 });
    expect(c.tls).toEqual({ certFile: '/etc/switchboard/cert.pem', keyFile: '/etc/switchboard/key.pem' });
  });

  it('rejects bad digest algorithms, inverted expiry bounds and half a TLS setup', () => {
    expect(problemsOf({ ...base, SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'SHA-512' })).toEqual([
      { variable: 'SWITCHBOARD_SIP_DIGEST_ALGORITHMS', message: 'must list SHA-256 and/or MD5' },
    ]);
    expect(problemsOf({ ...base, SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,md5' })).toEqual([
      { variable: 'SWITCHBOARD_SIP_DIGEST_ALGORITHMS', message: 'must not repeat an algorithm' },
    ]);
    expect(
      problemsOf({
        ...base,
        SWITCHBOARD_REGISTER_MIN_EXPIRES: '700',
        SWITCHBOARD_REGISTER_MAX_EXPIRES: '600',
      }),
    ).toEqual([
      {
        variable: 'SWITCHBOARD_REGISTER_MIN_EXPIRES',
        message: 'must not be above SWITCHBOARD_REGISTER_MAX_EXPIRES',
      },
    ]);
    expect(problemsOf({ ...base, SWITCHBOARD_SIP_TLS_CERT: '/etc/cert.pem' })).toEqual([
      { variable: 'SWITCHBOARD_SIP_TLS_KEY', message: 'must be set together with the TLS certificate/key' },
    ]);
  });

  it('checks the queue prefix', () => {
    expect(loadConfig(base).queuePrefix).toBe('sb-queue');
    expect(problemsOf({ ...base, SWITCHBOARD_QUEUE_PREFIX: 'a:b' })).toEqual([
      { variable: 'SWITCHBOARD_QUEUE_PREFIX', message: 'must be 1-32 characters of A-Z, a-z, 0-9, _ or -' },
    ]);
  });

  it('splits the plugin list', () => {
    const c = loadConfig({
      ...base,
      SWITCHBOARD_PLUGINS: ' @acme/blocklist , @switchboard/plugin-extensions,',
    });
    expect(c.routing.plugins).toEqual(['@acme/blocklist', '@switchboard/plugin-extensions']);
  });

  it('uses the bind address as public address when it is not a wildcard', () => {
    const c = loadConfig({ ...base, SWITCHBOARD_SIP_BIND_ADDRESS: '192.0.2.10' });
    expect(c.sip.publicAddress).toBe('192.0.2.10');
    expect(c.sip.domain).toBe('192.0.2.10');
  });

  it('keeps an IPv6 domain bracketed for URIs and the public address bare for SDP (RFC 5118 §4.1)', () => {
    const c = loadConfig({ ...base, SWITCHBOARD_SIP_BIND_ADDRESS: '::1' });
    expect(c.sip.publicAddress).toBe('::1');
    expect(c.sip.domain).toBe('[::1]');
    const d = loadConfig({
      ...base,
      SWITCHBOARD_SIP_PUBLIC_ADDRESS: '[2001:db8::5]',
      SWITCHBOARD_SIP_DOMAIN: '2001:db8::5',
    });
    expect([d.sip.publicAddress, d.sip.domain]).toEqual(['2001:db8::5', '[2001:db8::5]']);
  });

  it('coerces numeric strings and honours explicit values', () => {
    const c = loadConfig({
      ...base,
      SWITCHBOARD_SIP_UDP_PORT: '5070',
      SWITCHBOARD_SIP_TLS_PORT: '5071',
      SWITCHBOARD_SIP_DOMAIN: 'pbx.example.com',
      SWITCHBOARD_LOG_LEVEL: 'debug',
    });
    expect(c.sip.udpPort).toBe(5070);
    expect(c.sip.tlsPort).toBe(5071);
    expect(c.sip.domain).toBe('pbx.example.com');
    expect(c.logLevel).toBe('debug');
  });

  it('names a missing variable', () => {
    expect(problemsOf({ REDIS_URL: base.REDIS_URL })).toEqual([
      { variable: 'DATABASE_URL', message: 'is required' },
    ]);
  });

  it('names a bad port and says what is wrong', () => {
    const problems = problemsOf({ ...base, SWITCHBOARD_SIP_UDP_PORT: '70000' });
    expect(problems).toEqual([
      { variable: 'SWITCHBOARD_SIP_UDP_PORT', message: 'must be between 1 and 65535' },
    ]);
  });

  it('rejects a non-numeric port', () => {
    const [p] = problemsOf({ ...base, SWITCHBOARD_ADMIN_PORT: 'eighty' });
    expect(p?.variable).toBe('SWITCHBOARD_ADMIN_PORT');
    expect(p?.message).toMatch(/port number/);
  });

  it('rejects a URL with the wrong scheme', () => {
    const [p] = problemsOf({ ...base, REDIS_URL: 'http://127.0.0.1:6379' });
    expect(p).toEqual({
      variable: 'REDIS_URL',
      message: 'must be a URL starting with redis:// or rediss://',
    });
  });

  it('rejects a bind address that is not an IP address', () => {
    const [p] = problemsOf({ ...base, SWITCHBOARD_SIP_BIND_ADDRESS: 'localhost' });
    expect(p).toEqual({
      variable: 'SWITCHBOARD_SIP_BIND_ADDRESS',
      message: 'must be an IPv4 or IPv6 address',
    });
  });

  it('rejects an unknown log level', () => {
    const [p] = problemsOf({ ...base, SWITCHBOARD_LOG_LEVEL: 'loud' });
    expect(p?.variable).toBe('SWITCHBOARD_LOG_LEVEL');
  });

  it('reads the log format: json or pretty, nothing else', () => {
    expect(loadConfig({ ...base, SWITCHBOARD_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(problemsOf({ ...base, SWITCHBOARD_LOG_FORMAT: 'text' })).toEqual([
      { variable: 'SWITCHBOARD_LOG_FORMAT', message: "must be 'json' or 'pretty'" },
    ]);
  });

  it('rejects an inverted RTP range', () => {
    expect(
      problemsOf({ ...base, SWITCHBOARD_RTP_PORT_MIN: '30000', SWITCHBOARD_RTP_PORT_MAX: '20000' }),
    ).toEqual([
      { variable: 'SWITCHBOARD_RTP_PORT_MIN', message: 'must not be above SWITCHBOARD_RTP_PORT_MAX' },
    ]);
  });

  it('relays media through a local rtpengine by default', () => {
    expect(loadConfig(base).media).toEqual({
      mode: 'relay',
      fallback: 'direct',
      timeoutSeconds: 60,
      natKeepAlive: { kind: 'options', intervalSeconds: 25 },
      rtpengine: {
        address: '127.0.0.1',
        ngPort: 2223,
        internalAddress: undefined,
        external: undefined,
        portMin: 30000,
        portMax: 39999,
        timeoutMs: 1000,
        dtmfListen: { address: '127.0.0.1', port: 2224 },
      },
    });
  });

  it("listens for rtpengine's DTMF events unless the port is 0 or media goes direct", () => {
    const listen = (env: Record<string, string>) =>
      loadConfig({ ...base, ...env }).media.rtpengine.dtmfListen;
    expect(
      listen({ SWITCHBOARD_RTPENGINE_DTMF_ADDRESS: '10.0.0.5', SWITCHBOARD_RTPENGINE_DTMF_PORT: '5555' }),
    ).toEqual({ address: '10.0.0.5', port: 5555 });
    expect(listen({ SWITCHBOARD_RTPENGINE_DTMF_PORT: '0' })).toBeUndefined();
    expect(listen({ SWITCHBOARD_MEDIA_MODE: 'direct' })).toBeUndefined();
    expect(problemsOf({ ...base, SWITCHBOARD_RTPENGINE_DTMF_PORT: '70000' })[0]?.variable).toBe(
      'SWITCHBOARD_RTPENGINE_DTMF_PORT',
    );
  });

  it('reads the media mode and rtpengine interfaces, with an advertised public address', () => {
    const c = loadConfig({
      ...base,
      SWITCHBOARD_MEDIA_MODE: 'auto',
      SWITCHBOARD_RTPENGINE_INTERNAL_ADDRESS: '10.0.0.5',
      SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS: '10.0.1.5!203.0.113.7',
    });
    expect(c.media.mode).toBe('auto');
    expect(
      loadConfig({ ...base, SWITCHBOARD_MEDIA_FALLBACK: '503', SWITCHBOARD_MEDIA_TIMEOUT_SECONDS: '0' })
        .media,
    ).toMatchObject({ fallback: '503', timeoutSeconds: 0 });
    expect(problemsOf({ ...base, SWITCHBOARD_MEDIA_FALLBACK: 'relay' })[0]?.variable).toBe(
      'SWITCHBOARD_MEDIA_FALLBACK',
    );
    expect(c.media.rtpengine.internalAddress).toBe('10.0.0.5');
    expect(c.media.rtpengine.external).toEqual({ address: '10.0.1.5', advertised: '203.0.113.7' });
    expect(
      loadConfig({ ...base, SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS: '10.0.1.5' }).media.rtpengine.external,
    ).toEqual({ address: '10.0.1.5', advertised: '10.0.1.5' });
  });

  it('names a bad media mode, interface or overlapping rtpengine port range', () => {
    expect(problemsOf({ ...base, SWITCHBOARD_MEDIA_MODE: 'proxy' })).toEqual([
      { variable: 'SWITCHBOARD_MEDIA_MODE', message: "must be 'relay', 'direct' or 'auto'" },
    ]);
    expect(problemsOf({ ...base, SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS: '10.0.1.5!nat.example' })).toEqual([
      { variable: 'SWITCHBOARD_RTPENGINE_EXTERNAL_ADDRESS', message: "must be 'IP' or 'IP!ADVERTISED-IP'" },
    ]);
    expect(problemsOf({ ...base, SWITCHBOARD_RTPENGINE_PORT_MIN: '20500' })).toEqual([
      {
        variable: 'SWITCHBOARD_RTPENGINE_PORT_MIN',
        message: 'the rtpengine port range must not overlap SWITCHBOARD_RTP_PORT_MIN/_MAX',
      },
    ]);
    // Without rtpengine (`direct`) its range is unused: the voicemail range may take any ports.
    expect(
      loadConfig({
        ...base,
        SWITCHBOARD_MEDIA_MODE: 'direct',
        SWITCHBOARD_RTP_PORT_MIN: '35000',
        SWITCHBOARD_RTP_PORT_MAX: '35100',
      }).rtp,
    ).toEqual({ portMin: 35000, portMax: 35100 });
    expect(problemsOf({ ...base, SWITCHBOARD_RTPENGINE_PORT_MIN: '40000' })).toEqual([
      {
        variable: 'SWITCHBOARD_RTPENGINE_PORT_MIN',
        message: 'must not be above SWITCHBOARD_RTPENGINE_PORT_MAX',
      },
    ]);
  });

  it('lists every problem at once in the error message', () => {
    try {
      loadConfig({ SWITCHBOARD_SIP_UDP_PORT: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('DATABASE_URL: is required');
      expect(msg).toContain('REDIS_URL: is required');
      expect(msg).toContain('SWITCHBOARD_SIP_UDP_PORT: must be between 1 and 65535');
    }
  });

  it('masks passwords for logging', () => {
    const c = redactConfig(loadConfig(base));
    expect(c.databaseUrl).toBe('postgresql://postgres:***@127.0.0.1:5432/switchboard');
  });

  it('reads message-waiting and SMTP settings, masks the SMTP password, names bad values', () => {
    const d = loadConfig(base);
    expect(d.mwi).toEqual({ minExpires: 60, maxExpires: 3600, unsolicited: false });
    expect(d.smtp).toEqual({ url: undefined, from: 'switchboard@localhost' });
    const c = loadConfig({
      ...base,
      SWITCHBOARD_MWI_MIN_EXPIRES: '30',
      SWITCHBOARD_MWI_MAX_EXPIRES: '600',
      SWITCHBOARD_MWI_UNSOLICITED: 'true',
      SWITCHBOARD_SMTP_URL: 'smtp://pbx:hunter2@127.0.0.1:2525',
      SWITCHBOARD_SMTP_FROM: 'PBX <pbx@example.com>',
    });
    expect(c.mwi).toEqual({ minExpires: 30, maxExpires: 600, unsolicited: true });
    expect(c.smtp).toEqual({ url: 'smtp://pbx:hunter2@127.0.0.1:2525', from: 'PBX <pbx@example.com>' });
    expect(redactConfig(c).smtp.url).toBe('smtp://pbx:***@127.0.0.1:2525');
    expect(
      problemsOf({
        ...base,
        SWITCHBOARD_MWI_UNSOLICITED: 'yes',
        SWITCHBOARD_SMTP_URL: 'http://mail.example.com',
      }),
    ).toEqual([
      { variable: 'SWITCHBOARD_MWI_UNSOLICITED', message: "must be 'true' or 'false'" },
      { variable: 'SWITCHBOARD_SMTP_URL', message: 'must be a URL starting with smtp:// or smtps://' },
    ]);
    expect(
      problemsOf({ ...base, SWITCHBOARD_MWI_MIN_EXPIRES: '700', SWITCHBOARD_MWI_MAX_EXPIRES: '600' }),
    ).toEqual([
      { variable: 'SWITCHBOARD_MWI_MIN_EXPIRES', message: 'must not be above SWITCHBOARD_MWI_MAX_EXPIRES' },
    ]);
  });

  it('reads the voicemail silence and input settings and names bad values', () => {
    expect(loadConfig(base).voicemail).toEqual({
      silenceSeconds: 5,
      silenceLevel: 250,
      inputTimeoutSeconds: 10,
    });
    const c = loadConfig({
      ...base,
      SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS: '0',
      SWITCHBOARD_VOICEMAIL_SILENCE_LEVEL: '400',
      SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS: '4',
    });
    expect(c.voicemail).toEqual({ silenceSeconds: 0, silenceLevel: 400, inputTimeoutSeconds: 4 });
    expect(
      problemsOf({
        ...base,
        SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS: '-1',
        SWITCHBOARD_VOICEMAIL_SILENCE_LEVEL: '40000',
        SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS: '0',
      }),
    ).toEqual([
      { variable: 'SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS', message: 'must be at least 0' },
      { variable: 'SWITCHBOARD_VOICEMAIL_SILENCE_LEVEL', message: 'must be at most 32767' },
      { variable: 'SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS', message: 'must be at least 1' },
    ]);
  });
});
