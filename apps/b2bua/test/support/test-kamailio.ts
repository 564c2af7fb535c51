import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeSipPort } from './sip-test-kit.js';

/** Where Debian's kamailio package puts its modules. */
const MODULES_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules';

export interface TestKamailioOptions {
  /** Loopback address to listen on (127.0.0.0/8 only); default 127.0.0.1. */
  address?: string;
  /** Digest realm of the carrier's challenges; default `carrier.test`. */
  realm?: string;
  /** Digest algorithm of the challenges (auth module `algorithm`: MD5 or SHA-256); default MD5. */
  algorithm?: 'MD5' | 'SHA-256';
  /** Subscriber accounts: username → plaintext password (REGISTER 401, calls 407). */
  accounts: Record<string, string>;
  /** Sources whose requests are not challenged: the "public network" phones (e.g. sipp agents). */
  trustedSources?: readonly string[];
  /**
   * Inbound numbers: DID → account. A call from a trusted source to the DID goes to the account's
   * registered Contact; `didIn` says whether the DID then stays in the Request-URI user (default) or
   * only in To (the Request-URI is the registered Contact as is).
   */
  dids?: Record<string, string>;
  didIn?: 'request-uri' | 'to';
  /** Where calls from accounts to anything not registered here go: the "public network" (a sipp UAS). */
  publicNetwork?: { host: string; port: number };
  /** Challenge in-dialog requests from accounts too (BYE, re-INVITE) with 407. Default false. */
  authInDialog?: boolean;
  /** registrar min_expires (seconds); default 1 so tests can use short registrations. */
  minExpires?: number;
}

export interface TestKamailio {
  readonly address: string;
  readonly port: number;
  readonly realm: string;
  /** `address:port`. */
  readonly hostPort: string;
  /** Lines Kamailio logged; the config logs `SIM <event> …` lines for the tests to wait on. */
  readonly log: readonly string[];
  /** Resolves with the first log line (already logged or coming) matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** How many logged lines match. */
  count(pattern: RegExp): number;
  stop(): Promise<void>;
}

/**
 * A simulated SIP carrier: Debian's Kamailio with a config written here — registrar and location in
 * memory (usrloc db_mode 0), digest auth against the accounts (auth + htable, plaintext passwords,
 * qop=auth), a proxy that record-routes and relays calls between the accounts' registrations and the
 * "public network". Wrong credentials are answered 403 (as most carriers do); missing or stale ones get
 * a challenge. It logs one `SIM …` line per request and registration for the tests.
 */
/**
 * SIGTERM (the main process stops its forked workers), then after 5 s SIGKILL for the workers and the
 * main process: the main process waits for its children on SIGTERM, and once in a CI run it never
 * exited (an afterEach hook timed out at 60 s).
 */
export async function stopKamailioProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const kill = setTimeout(() => {
    if (child.pid !== undefined) spawnSync('pkill', ['-KILL', '-P', String(child.pid)]);
    child.kill('SIGKILL');
  }, 5000);
  await exited;
  clearTimeout(kill);
}

export async function startTestKamailio(options: TestKamailioOptions): Promise<TestKamailio> {
  const address = options.address ?? '127.0.0.1';
  if (!address.startsWith('127.')) throw new Error('test Kamailio listens on loopback only');
  const realm = options.realm ?? 'carrier.test';
  const port = await freeSipPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-kamailio-'));
  const cfg = path.join(dir, 'kamailio.cfg');
  fs.writeFileSync(cfg, kamailioConfig({ ...options, address, realm, port }));

  const child: ChildProcess = spawn(
    'kamailio',
    ['-f', cfg, '-DD', '-E', '-n', '1', '-Y', dir, '-w', dir, '-m', '32', '-M', '8'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log: string[] = [];
  const watchers: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      log.push(line);
      for (let i = watchers.length - 1; i >= 0; i--) {
        const w = watchers[i];
        if (w?.pattern.test(line)) {
          watchers.splice(i, 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = once(child, 'exit');

  const waitForLog = (pattern: RegExp, timeoutMs = 10_000): Promise<string> => {
    const seen = log.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = watchers.findIndex((w) => w.resolve === done);
        if (i >= 0) watchers.splice(i, 1);
        reject(
          new Error(`Kamailio never logged ${String(pattern)}; last lines:\n${log.slice(-15).join('\n')}`),
        );
      }, timeoutMs);
      const done = (line: string): void => {
        clearTimeout(timer);
        resolve(line);
      };
      watchers.push({ pattern, resolve: done });
    });
  };

  const stop = async (): Promise<void> => {
    await stopKamailioProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      untilAnswers(address, port),
      exited.then(() => {
        throw new Error(`Kamailio exited at start:\n${log.slice(-20).join('\n')}`);
      }),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    address,
    port,
    realm,
    hostPort: `${address}:${port}`,
    log,
    waitForLog,
    count: (pattern) => log.filter((l) => pattern.test(l)).length,
    stop,
  };
}

/** Sends OPTIONS until Kamailio answers (it forks its workers after binding): bounded, 100 ms apart. */
async function untilAnswers(address: string, port: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const local = socket.address().port;
  const answered = once(socket, 'message');
  try {
    for (let i = 0; i < 50; i++) {
      const probe = [
        `OPTIONS sip:${address}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
        'Max-Forwards: 70',
        `From: <sip:probe@127.0.0.1>;tag=${crypto.randomBytes(4).toString('hex')}`,
        `To: <sip:${address}:${port}>`,
        `Call-ID: ${crypto.randomUUID()}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(probe, port, address);
      const tick = new Promise<'tick'>((resolve) => setTimeout(() => resolve('tick'), 100));
      if ((await Promise.race([answered, tick])) !== 'tick') return;
    }
    throw new Error(`Kamailio did not answer OPTIONS on ${address}:${port} within 5 s`);
  } finally {
    socket.close();
  }
}

function kamailioConfig(o: TestKamailioOptions & { address: string; realm: string; port: number }): string {
  const q = (s: string): string => s.replace(/[\\"]/g, '\\$&');
  const htableSeeds = [
    ...Object.entries(o.accounts).map(([u, pw]) => `$sht(acct=>${u}) = "${q(pw)}";`),
    ...Object.entries(o.dids ?? {}).map(([did, acct]) => `$sht(did=>${did}) = "${q(acct)}";`),
  ];
  const trusted = (o.trustedSources ?? []).map((ip) => `$si == "${q(ip)}"`).join(' || ') || '0';
  const relay = o.publicNetwork ? `sip:${o.publicNetwork.host}:${o.publicNetwork.port}` : '';
  return `#!KAMAILIO
debug=2
log_stderror=yes
log_prefix=""
memdbg=5
memlog=5
children=2
tcp_children=1
auto_aliases=no
alias="${o.realm}"
listen=udp:${o.address}:${o.port}
listen=tcp:${o.address}:${o.port}
mpath="${MODULES_DIR}/"

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
loadmodule "htable.so"
loadmodule "rtimer.so"

modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", ${o.minExpires ?? 1})
modparam("registrar", "default_expires", 60)
modparam("registrar", "max_expires", 3600)
modparam("auth", "algorithm", "${o.algorithm ?? 'MD5'}")
modparam("auth", "qop", "auth")
modparam("htable", "htable", "acct=>size=4;")
modparam("htable", "htable", "did=>size=4;")
modparam("rr", "append_fromtag", 1)

event_route[htable:mod-init] {
${htableSeeds.map((l) => `  ${l}`).join('\n')}
}

request_route {
  xlog("L_NOTICE", "SIM request $rm $ru from=$fU src=$si:$sp expires=$hdr(Expires) cseq=$cs\\n");
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
  if (has_totag()) { route(WITHINDLG); exit; }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  if (t_check_trans()) { exit; }
  if (is_method("REGISTER")) { route(REGISTRAR); exit; }
  if (${trusted}) { route(INBOUND); exit; }
  route(AUTH);
  route(OUTBOUND);
}

# Wrong credentials → 403 (carriers' usual answer); none or a stale nonce → a fresh challenge.
route[REGISTRAR] {
  if (!is_present_hf("Authorization")) { www_challenge("${o.realm}", "1"); exit; }
  if ($sht(acct=>$au) == $null) {
    xlog("L_NOTICE", "SIM auth-failed REGISTER user=$au unknown\\n");
    sl_send_reply("403", "Forbidden");
    exit;
  }
  $var(rc) = pv_www_authenticate("${o.realm}", "$sht(acct=>$au)", "0");
  if ($var(rc) == -5 || $var(rc) == -4 || $var(rc) == -6) {
    www_challenge("${o.realm}", "1");
    exit;
  }
  if ($var(rc) < 0 || $au != $tU) {
    xlog("L_NOTICE", "SIM auth-failed REGISTER user=$au rc=$var(rc)\\n");
    sl_send_reply("403", "Forbidden");
    exit;
  }
  consume_credentials();
  if (!save("location")) { sl_reply_error(); exit; }
  xlog("L_NOTICE", "SIM registered $tU expires=$hdr(Expires) contact=$ct\\n");
}

route[AUTH] {
  if (!is_present_hf("Proxy-Authorization")) {
    xlog("L_NOTICE", "SIM challenge $rm\\n");
    proxy_challenge("${o.realm}", "1");
    exit;
  }
  if ($sht(acct=>$au) == $null) {
    xlog("L_NOTICE", "SIM auth-failed $rm user=$au unknown\\n");
    sl_send_reply("403", "Forbidden");
    exit;
  }
  $var(rc) = pv_proxy_authenticate("${o.realm}", "$sht(acct=>$au)", "0");
  if ($var(rc) == -5 || $var(rc) == -4 || $var(rc) == -6) {
    xlog("L_NOTICE", "SIM challenge $rm\\n");
    proxy_challenge("${o.realm}", "1");
    exit;
  }
  if ($var(rc) < 0) {
    xlog("L_NOTICE", "SIM auth-failed $rm user=$au rc=$var(rc)\\n");
    sl_send_reply("403", "Forbidden");
    exit;
  }
  xlog("L_NOTICE", "SIM authenticated $rm user=$au\\n");
  consume_credentials();
}

route[INBOUND] {
  $var(did) = $rU;
  if ($sht(did=>$rU) == $null) { sl_send_reply("404", "Not Found"); exit; }
  $rU = $sht(did=>$rU);
  if (!lookup("location")) { sl_send_reply("480", "Temporarily Unavailable"); exit; }
${o.didIn === 'to' ? '' : '  $rU = $var(did);\n'}  xlog("L_NOTICE", "SIM inbound did=$var(did) to $ru\\n");
  record_route();
  t_relay();
}

route[OUTBOUND] {
  if (lookup("location")) { record_route(); t_relay(); exit; }
${relay ? `  $du = "${relay}";\n  xlog("L_NOTICE", "SIM outbound $rm $rU via $du\\n");\n  record_route();\n  t_relay();` : '  sl_send_reply("404", "Not Found");'}
}

route[WITHINDLG] {
  if (!loose_route()) {
    if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
${o.authInDialog ? '  if (!is_method("ACK") && !(' + trusted + ')) { route(AUTH); }\n' : ''}  xlog("L_NOTICE", "SIM in-dialog $rm\\n");
  t_relay();
}
`;
}
