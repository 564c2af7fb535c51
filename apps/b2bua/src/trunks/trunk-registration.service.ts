import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { type PrismaClient, SecretBox, TrunkReader, type TrunkSettings } from '@switchboard/db';
import { openChannelSubscriber, redisKeys, type TrunkRegistrationStatus } from '@switchboard/live-state';
import type { Clock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import { NODE_ID } from '../registrar/node-id.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { CONFIG, LOGGER, PRISMA, REDIS, SIP_CLOCK } from '../tokens.js';
import { InboundTrunkDirectory } from './inbound-trunk-directory.js';
import { TrunkRegisterSender } from './trunk-register-sender.js';
import { TrunkRegistrationLease } from './trunk-registration-lease.js';
import { DEFAULT_REGISTRATION_TIMING, TrunkRegistrationMachine } from './trunk-registration-machine.js';
import { TrunkRegistrationStatusStore } from './trunk-registration-status.store.js';

/** How often trunks are re-read anyway (should a change message be lost) and leases renewed. */
const RECHECK_MS = 15_000;
/** A node that stops renewing (it died) gives its trunks up after this; another takes them within a recheck. */
const LEASE_MS = 45_000;

interface Running {
  signature: string;
  machine: TrunkRegistrationMachine;
}

/**
 * Outbound registrations of the signalling process: one TrunkRegistrationMachine per enabled trunk
 * with registration on, started at boot (so a restart registers again), rebuilt when the trunk's
 * registration settings change (the old binding is removed first, Expires: 0), stopped with an
 * unregister when the trunk is disabled, loses registration or is deleted. Changes arrive on the
 * `sb:trunks:changed` channel (published by the admin app) and by a periodic re-read. Status goes to
 * Redis for the admin app and CLI, and to the log on each change of state. Each read also refreshes
 * the InboundTrunkDirectory (which trunk an inbound INVITE comes from). With several signalling
 * nodes, each trunk is registered by the one node that holds its lease (TrunkRegistrationLease).
 */
@Injectable()
export class TrunkRegistrationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly running = new Map<string, Running>();
  private readonly reader: TrunkReader;
  private readonly lease: TrunkRegistrationLease;
  private subscriber: Redis | undefined;
  private recheck: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    @Inject(CONFIG) config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(TrunkRegistrationStatusStore) private readonly store: TrunkRegistrationStatusStore,
    @Inject(SIP_CLOCK) private readonly clock: Clock,
    @Inject(InboundTrunkDirectory) private readonly inbound: InboundTrunkDirectory,
  ) {
    this.reader = new TrunkReader(prisma, SecretBox.fromDataDir(config.dataDir));
    this.lease = new TrunkRegistrationLease(redis, NODE_ID, LEASE_MS);
  }

  async onApplicationBootstrap(): Promise<void> {
    // A provider's INVITEs are never flood-limited: a busy trunk must not be banned.
    this.stack.trustSources((ip) => this.inbound.isTrunkSource(ip));
    this.subscriber = await openChannelSubscriber(
      this.redis,
      redisKeys.trunksChanged,
      () => void this.reload(),
      this.logger,
      'trunk change channel',
    );
    await this.reload();
    this.recheck = setInterval(() => void this.reload(), RECHECK_MS);
    this.recheck.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.recheck);
    await this.queue;
    // No unregister on shutdown: the transports close now, and the next start registers the same Contact.
    for (const [id, { machine }] of this.running) {
      machine.halt();
      // Another node takes the trunk over at its next reload instead of after the lease lapses.
      await this.lease
        .release(id)
        .catch((err: unknown) =>
          this.logger.warn({ err, trunk: id }, 'trunk registration lease not released'),
        );
    }
    this.running.clear();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** The registration status of a trunk this process runs (tests, diagnostics). */
  statusOf(trunkId: string): TrunkRegistrationStatus | undefined {
    return this.running.get(trunkId)?.machine.lastStatus;
  }

  /** Re-reads the trunks and applies the differences; serialised. Resolves when applied (never rejects: errors are logged). */
  reload(): Promise<void> {
    this.queue = this.queue
      .then(() => this.apply())
      .catch((err: unknown) => this.logger.error({ err }, 'trunk registrations could not be reloaded'));
    return this.queue;
  }

  private async apply(): Promise<void> {
    if (this.closed) return;
    const trunks = await this.reader.listAll();
    // Inbound recognition follows the same reads (and re-resolves the providers each time).
    await this.inbound.load(trunks, (input) => this.stack.resolve(input));
    const seen = new Set<string>();
    for (const trunk of trunks) {
      seen.add(trunk.id);
      await this.applyTrunk(trunk);
    }
    for (const [id, run] of this.running) {
      if (seen.has(id)) continue;
      this.running.delete(id);
      await run.machine.stop();
      await this.lease.release(id);
    }
    // Status of trunks deleted (also while this process was down) goes too.
    for (const id of await this.store.trunkIds()) if (!seen.has(id)) await this.store.remove(id);
  }

  private async applyTrunk(trunk: TrunkSettings): Promise<void> {
    const wanted = trunk.enabled && trunk.register;
    // Renewed on every reload while wanted; a node that does not hold it leaves the trunk alone.
    const held = wanted && (await this.lease.hold(trunk.id));
    const signature = registrationSignature(trunk);
    const current = this.running.get(trunk.id);
    if (current && held && current.signature === signature) return;
    if (current) {
      this.running.delete(trunk.id);
      await current.machine.stop();
    }
    if (!wanted) {
      await this.lease.release(trunk.id);
      if (!current) await this.store.write(trunk.id, { state: 'disabled', failures: 0, node: NODE_ID });
    }
    if (!held || this.closed) return;
    const machine = new TrunkRegistrationMachine(
      { ...DEFAULT_REGISTRATION_TIMING, expires: trunk.registerExpiry },
      new TrunkRegisterSender(trunk, this.stack, this.logger),
      this.clock,
      (status) => this.report(trunk, status),
    );
    this.running.set(trunk.id, { signature, machine });
    machine.start();
  }

  private report(trunk: TrunkSettings, status: TrunkRegistrationStatus): void {
    const fields = { trunk: trunk.name, ...status };
    if (status.state === 'failing') this.logger.warn(fields, 'trunk registration failed');
    else if (status.state === 'registered') this.logger.info(fields, 'trunk registered');
    else this.logger.info(fields, `trunk registration ${status.state}`);
    this.store
      .write(trunk.id, { ...status, node: NODE_ID })
      .catch((err: unknown) => this.logger.warn({ err, trunk: trunk.name }, 'trunk status not stored'));
  }
}

/** What a registration depends on: a change of any of these re-registers. */
function registrationSignature(t: TrunkSettings): string {
  return JSON.stringify([
    t.name,
    t.host,
    t.port,
    t.transport,
    t.outboundProxy,
    t.authUsername,
    t.password,
    t.registerExpiry,
    t.fromUser,
    t.fromDomain,
  ]);
}
