import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort } from './sip-test-kit.js';

/**
 * A Redis server of the fault tests' own (the suite's shared one must not be restarted under other
 * test files): append-only persistence in a temporary directory, restartable on the same port,
 * as after a crash or an upgrade in production.
 */
export class OwnRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fault-redis-'));
    const redis = new OwnRedis(await freeTcpPort(), dir);
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** SIGTERM (Redis writes its append-only file and exits), then the same server again. */
  async restart(downMs: number): Promise<void> {
    await this.down();
    await new Promise((r) => setTimeout(r, downMs)); // the outage itself
    await this.up();
  }

  async stop(): Promise<void> {
    await this.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes'];
    const child = spawn('redis-server', [...args, '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server not ready: ${log}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        // Printed once the append-only file is loaded and the port accepts commands.
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${log}`));
      });
    });
  }

  private async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * A TCP relay in front of PostgreSQL. `cut()` closes the listener and every relayed connection,
 * so the apps see what a stopped server gives them (ECONNREFUSED, broken connections) without
 * stopping the suite's shared server; `restore()` listens on the same port again.
 */
export class TcpOutage {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpOutage> {
    const relay = new TcpOutage(await freeTcpPort(), target);
    await relay.restore();
    return relay;
  }

  async restore(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
