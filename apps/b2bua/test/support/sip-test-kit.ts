import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { computeDigestCredentials, createPrismaClient, type PrismaClient } from '@switchboard/db';
import { parseMessage, type SipResponse } from '@switchboard/sip';
import { Redis } from 'ioredis';
import { SignallingModule } from '../../src/signalling.module.js';
import { createTestDatabase, requiredEnv, testConfig } from './test-env.js';

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  return port;
}

export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

/**
 * A loopback port free for UDP and TCP, with the next port free for TCP, at the time of the call:
 * baresip listens on UDP and TCP with one `sip_listen` port whatever its transport, and on TLS at
 * that port + 1 (libre's `add_transp_af`), so a port free for one only can fail it with EADDRINUSE
 * when the suite runs in parallel.
 */
export async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const udp = dgram.createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    const { port } = udp.address();
    const held: net.Server[] = [];
    let free = port < 65535;
    for (const p of [port, port + 1]) {
      if (!free) break;
      const tcp = net.createServer();
      free = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(p, '127.0.0.1', () => resolve(true));
      });
      if (free) held.push(tcp);
    }
    udp.close();
    await Promise.all(held.map((tcp) => new Promise<void>((resolve) => tcp.close(() => resolve()))));
    if (free) return port;
  }
  throw new Error('no loopback port free for UDP and TCP (and TCP + 1) in 20 attempts');
}

/** A signalling role in-process on random loopback ports, its own database and SIP domain. */
export interface SignallingHarness {
  readonly config: SwitchboardConfig;
  readonly domain: string;
  readonly port: number;
  readonly prisma: PrismaClient;
  readonly redis: Redis;
  readonly app: INestApplicationContext;
  addExtension(number: string, password: string, enabled?: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a signalling role. With `share`, a second process of the same deployment: same database,
 * same SIP domain (the first harness owns and drops the database).
 */
export async function startSignalling(
  env: Record<string, string> = {},
  share?: SignallingHarness,
): Promise<SignallingHarness> {
  const db = share
    ? { url: share.config.databaseUrl, drop: () => Promise.resolve() }
    : await createTestDatabase();
  // A node whose address others must know beforehand (SWITCHBOARD_CLUSTER_PEERS) gets its port given.
  const given = env.SWITCHBOARD_SIP_UDP_PORT;
  const port = given === undefined ? await freeUdpPort() : Number(given);
  const domain = share?.domain ?? `t${crypto.randomBytes(4).toString('hex')}.test`;
  const config = testConfig(db.url, {
    SWITCHBOARD_SIP_DOMAIN: domain,
    SWITCHBOARD_SIP_BIND_ADDRESS: '127.0.0.1',
    SWITCHBOARD_SIP_UDP_PORT: String(port),
    SWITCHBOARD_SIP_TCP_PORT: '0',
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
    ...env,
  });
  const prisma = createPrismaClient(db.url);
  const redis = new Redis(requiredEnv('REDIS_URL'));
  const app = await NestFactory.createApplicationContext(
    SignallingModule.forRoot(config, createLogger('test', config)),
    { logger: false, abortOnError: false },
  );
  await app.init();
  return {
    config,
    domain,
    port,
    prisma,
    redis,
    app,
    addExtension: async (number, password, enabled = true) => {
      await prisma.extension.create({
        data: {
          number,
          displayName: `Ext ${number}`,
          enabled,
          ...computeDigestCredentials(number, domain, password),
        },
      });
    },
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      redis.disconnect();
      await db.drop();
    },
  };
}

export interface RequestSpec {
  method: string;
  uri: string;
  from: string;
  to: string;
  callId?: string;
  cseq?: number;
  maxForwards?: number | string;
  headers?: [string, string][];
  body?: string;
}

/** A UDP "phone" on loopback that sends hand-written requests and collects the answers. */
export class UdpSipClient {
  readonly socket = dgram.createSocket('udp4');
  private readonly waiting: { match: (r: SipResponse) => boolean; resolve: (r: SipResponse) => void }[] = [];
  readonly received: SipResponse[] = [];
  port = 0;

  /** `local`: the loopback address to send from (another 127.0.0.0/8 address plays another host). */
  constructor(
    private readonly server: { host: string; port: number },
    private readonly local = '127.0.0.1',
  ) {
    this.socket.on('message', (data) => {
      let message;
      try {
        message = parseMessage(data);
      } catch {
        return;
      }
      if (message.kind !== 'response') return;
      this.received.push(message);
      const i = this.waiting.findIndex((w) => w.match(message));
      if (i >= 0) this.waiting.splice(i, 1)[0]?.resolve(message);
    });
  }

  async open(): Promise<this> {
    this.socket.bind(0, this.local);
    await once(this.socket, 'listening');
    this.port = this.socket.address().port;
    return this;
  }

  close(): void {
    this.socket.close();
  }

  build(spec: RequestSpec): { text: string; callId: string; cseq: number } {
    const callId = spec.callId ?? `${crypto.randomUUID()}@127.0.0.1`;
    const cseq = spec.cseq ?? 1;
    const branch = `z9hG4bK${crypto.randomBytes(8).toString('hex')}`;
    const body = spec.body ?? '';
    const lines = [
      `${spec.method} ${spec.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.local}:${this.port};branch=${branch};rport`,
      `Max-Forwards: ${spec.maxForwards ?? 70}`,
      `From: ${spec.from};tag=${crypto.randomBytes(4).toString('hex')}`,
      `To: ${spec.to}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${spec.method}`,
      ...(spec.headers ?? []).map(([n, v]) => `${n}: ${v}`),
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    return { text: `${lines.join('\r\n')}\r\n\r\n${body}`, callId, cseq };
  }

  /**
   * Sends raw bytes and waits for the final response with this Call-ID (and CSeq number when
   * given), compared as raw header text so that answers echoing broken headers match too.
   * `retransmitMs` resends the same bytes at that interval until answered, as a UA does over UDP (§17.1.2.2).
   */
  async sendRaw(
    text: string,
    callId: string,
    cseq?: number,
    timeoutMs = 5000,
    retransmitMs?: number,
  ): Promise<SipResponse> {
    const bytes = Buffer.from(text, 'latin1');
    const send = (): void => this.socket.send(bytes, this.server.port, this.server.host);
    let resend: NodeJS.Timeout | undefined;
    const done = new Promise<SipResponse>((resolve, reject) => {
      const entry = {
        match: (r: SipResponse) =>
          r.status >= 200 &&
          r.getHeader('Call-ID') === callId &&
          (cseq === undefined || (r.getHeader('CSeq') ?? '').startsWith(`${cseq} `)),
        resolve,
      };
      this.waiting.push(entry);
      setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) {
          this.waiting.splice(i, 1);
          reject(new Error(`no final response to ${callId} within ${timeoutMs} ms`));
        }
      }, timeoutMs).unref();
    });
    send();
    if (retransmitMs !== undefined) resend = setInterval(send, retransmitMs);
    try {
      return await done;
    } finally {
      if (resend) clearInterval(resend);
    }
  }

  async request(spec: RequestSpec, timeoutMs?: number, retransmitMs?: number): Promise<SipResponse> {
    const { text, callId, cseq } = this.build(spec);
    return this.sendRaw(text, callId, cseq, timeoutMs, retransmitMs);
  }
}
