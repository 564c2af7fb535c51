import {
  Inject,
  Injectable,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { RFC4028_MIN_SE, TIMER_OPTION_TAG } from '@switchboard/dialog';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import type { PrismaClient } from '@switchboard/db';
import type { SipRequest } from '@switchboard/sip';
import type { Redis } from 'ioredis';
import { PluginStateRepository } from '../repositories/plugin-state.repository.js';
import { RegistrationRepository } from '../repositories/registration.repository.js';
import { CallRecordPublisherService } from './records/call-record.services.js';
import { recordingAnnouncementFile } from '../recordings/recording-announcement.js';
import { RecordingPublisherService } from '../recordings/recording.services.js';
import { OverloadControlService } from '../security/overload-control.service.js';
import { RoutingClientService } from '../routing/routing-client.service.js';
import { SipAuthService } from '../sip/sip-auth.service.js';
import type { IncomingSipRequest } from '../sip/sip-request-handler.js';
import { SipStackService } from '../sip/sip-stack.service.js';
import { CONFIG, LOGGER, PRISMA, REDIS } from '../tokens.js';
import { NODE_ID } from '../registrar/node-id.js';
import { InboundTrunkDirectory, type InboundTrunk } from '../trunks/inbound-trunk-directory.js';
import { TrunkCallLimits } from '../trunks/trunk-call-limits.js';
import { VOICEMAIL_APPS, type VoicemailApps } from '../voicemail/local-call.js';
import { CONFERENCE_APPS, type ConferenceApps } from '../conference/conference-apps.js';
import { MENU_APPS, type MenuApps } from '../ivr/menu-apps.js';
import type { CallDeps } from './call-deps.js';
import { CallLatencyRecorder } from './call-latency.js';
import { CallMetrics } from './call-metrics.js';
import { CallSession } from './call-session.js';
import type { CallIdentity } from './call-routing.js';
import { CallTable } from './call-table.js';
import { InviteCallers } from './invite-callers.js';
import { screenNewInvite } from './new-invite-screen.js';
import { OutstandingByes } from './outstanding-byes.js';
import { ParkLot } from './park/park-lot.js';
import type { MusicOnHold } from './hold/held-leg-music.js';
import { MUSIC_ON_HOLD } from './hold/music-on-hold.service.js';
import { CallPickup } from './pickup/call-pickup.js';
import { prismaPickupDirectory } from './pickup/pickup-directory.js';
import { parkDeps } from './park/park-deps.js';
import { EndedDialogs } from './replaces/ended-dialogs.js';
import { inviteReplaces, type ReplacesLookup } from './replaces/invite-replaces.js';
import { bodyOf } from './legs/caller-leg.js';
import { REPLACES_OPTION_TAG } from './legs/call-option-tags.js';
import { RegisteredTargetExpander } from './legs/registered-target-expander.js';
import { createTrunkLegDeps } from './legs/trunk-leg-deps.js';
import { createMediaAnchor } from './media/media-anchor-deps.js';
import { createMediaPolicyLookup } from './media/media-policy-lookup.js';
import { ActiveCallStore } from './records/active-call-store.js';
import { DialogStateStore } from '../lamps/dialog-state.store.js';
import { CallTraceService } from './trace/call-trace.service.js';
import { ClusterRelay } from './cluster/cluster-relay.js';
import { ClusterPeers, nodeSipAddress, type NodeRelay } from './cluster/node-relay.js';
import { ParkSlotStore } from './park/park-slot.store.js';

/** How long shutdown waits for the answers to the BYEs it sent before the transports close. */
export const SHUTDOWN_BYE_WAIT_MS = 3000;

/** Methods relayed inside a bridged call besides INVITE (re-INVITE) and BYE. */
const IN_DIALOG = ['BYE', 'UPDATE', 'INFO'] as const;

/**
 * Call control of the signalling role: INVITE (auth with 407, then a CallSession), CANCEL,
 * in-dialog requests and ACKs dispatched to their call. Calls live in this process; their live
 * view is in Redis (`sb:call:*`, `sb:calls`, `sb:ext-calls:*`).
 */
@Injectable()
export class CallControlService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly calls = new CallTable();
  readonly latency: CallLatencyRecorder;
  private readonly metrics: CallMetrics;
  readonly byes = new OutstandingByes();
  /** Parked calls of this process (SWITCHBOARD_PARK_*); set up with the config. */
  readonly parkLot: ParkLot;
  /** What the last shutdown hung up and how many BYEs were still unanswered when it moved on. */
  lastShutdown: { calls: number; byes: number; unanswered: number } | undefined;
  private deps: CallDeps | undefined;
  /** Group and directed pickup (SWITCHBOARD_PICKUP_*): the picker's INVITE joins a ringing call. */
  private pickup: CallPickup | undefined;
  /** Dialogs of calls that just ended: an INVITE with Replaces naming one gets 603 (RFC 3891 §3). */
  private readonly endedDialogs: EndedDialogs;
  /** Where an INVITE with Replaces (and attended transfer) finds the dialog it names. */
  private readonly replaces: ReplacesLookup;
  /** Who places each new INVITE (extension or trunk), and the refusals before it becomes a call. */
  private readonly callers: InviteCallers;
  private mediaAnchor: ReturnType<typeof createMediaAnchor> | undefined;
  /** Park retrieval and pickup of calls held by another signalling node (SWITCHBOARD_CLUSTER_PEERS). */
  private readonly cluster: ClusterRelay;

  /** Whether rtpengine answers (undefined: no relay configured); probes, tests. */
  get mediaRelayUp(): boolean | undefined {
    return this.mediaAnchor?.health?.up;
  }

  constructor(
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(SipAuthService) private readonly auth: SipAuthService,
    @Inject(RoutingClientService) private readonly routing: RoutingClientService,
    @Inject(CallRecordPublisherService) private readonly records: CallRecordPublisherService,
    @Inject(RecordingPublisherService) private readonly recordings: RecordingPublisherService,
    @Inject(RegistrationRepository) private readonly registrations: RegistrationRepository,
    @Inject(PluginStateRepository) private readonly pluginState: PluginStateRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CallTraceService) private readonly trace: CallTraceService,
    @Inject(OverloadControlService) private readonly overload: OverloadControlService,
    @Inject(InboundTrunkDirectory) private readonly trunks: InboundTrunkDirectory,
    @Inject(TrunkCallLimits) private readonly trunkSlots: TrunkCallLimits,
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly processMetrics: ProcessMetrics,
    @Optional() @Inject(VOICEMAIL_APPS) private readonly voicemail?: VoicemailApps,
    @Optional() @Inject(CONFERENCE_APPS) private readonly conference?: ConferenceApps,
    @Optional() @Inject(MENU_APPS) private readonly menus?: MenuApps,
    @Optional() @Inject(MUSIC_ON_HOLD) private readonly musicOnHold?: MusicOnHold,
  ) {
    this.metrics = new CallMetrics(processMetrics, () => this.calls.size);
    const park = config.calls.park;
    this.parkLot = new ParkLot(park.number, park.firstSlot, park.lastSlot);
    this.latency = new CallLatencyRecorder((kind, ms) => this.metrics.sample(kind, ms));
    this.callers = new InviteCallers(auth, trunkSlots, config.sip.domain, logger);
    this.endedDialogs = new EndedDialogs(() => stack.clock.now());
    this.replaces = {
      named: (r) => this.calls.holding(r.callId, [r.fromTag, r.toTag])?.dialogs.named(r),
      ended: (r) => this.endedDialogs.ended(r.callId, [r.fromTag, r.toTag]),
    };
    const self = nodeSipAddress(config.sip);
    this.cluster = new ClusterRelay(
      new ClusterPeers(self, config.clusterPeers),
      redis,
      new ParkSlotStore(redis),
      this.parkLot,
      config.sip.domain,
      logger,
    );
  }

  onModuleInit(): void {
    this.overload.watch({
      calls: () => this.calls.size + this.callers.authenticating,
      routingBacklog: () => this.routing.backlog,
    });
    this.stack.registerHandler('INVITE', {
      handle: (i) => this.onInvite(i),
      // A new call without credentials gets its 407 statelessly (not our own leg looping back: 482,
      // nor a call from a trunk, which is never challenged as an extension, nor a peer node's relay).
      screen: (request, origin, send) =>
        request.to.tag === undefined &&
        !this.calls.isOwnLeg(request.callId) &&
        this.trunks.match(request, origin) === undefined &&
        !this.cluster.isRelayed(request, origin) &&
        this.auth.challengeStatelessly(request, origin, 'proxy', send),
    });
    this.stack.registerHandler('CANCEL', { handle: (i) => this.onCancel(i) });
    for (const m of IN_DIALOG) this.stack.registerHandler(m, { handle: (i) => this.onInDialog(i) });
    this.stack.registerHandler('REFER', { handle: (i) => this.onRefer(i) });
    if (this.config.calls.sessionTimers.enabled) this.stack.addSupported(TIMER_OPTION_TAG);
    this.stack.addSupported(REPLACES_OPTION_TAG);
    this.stack.onAck((ack) => {
      const match = this.calls.match(ack);
      match?.session.handleAck(match.side, ack);
    });
  }

  /**
   * SIGUSR2: the setup latency figures since the last signal, logged as `call latency` (bench:cps),
   * with what this process still holds (calls, transactions, heap): after a load has drained these
   * tell a leak from state kept for RFC timers.
   */
  private readonly logLatency = (): void => {
    // Started with --expose-gc (bench:cps does): measure what is retained, not garbage an idle
    // process has no reason to collect yet.
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    const held = {
      calls: this.calls.size,
      phases: this.calls.phases(),
      ...this.calls.indexSizes(),
      transactions: this.stack.layer.size,
      flood: this.stack.floodState,
      overload: this.overload.state,
      auth: this.auth.sizes,
      trace: this.trace.sizes,
      endedDialogs: this.endedDialogs.size,
      heapUsedKiB: Math.round(mem.heapUsed / 1024),
      rssMiB: Math.round(mem.rss / 1048576),
    };
    this.logger.info({ latency: this.latency.takeSummary(), held }, 'call latency');
  };

  onApplicationBootstrap(): void {
    process.on('SIGUSR2', this.logLatency);
    const stack = this.stack;
    const announcementFile = recordingAnnouncementFile(this.config);
    this.mediaAnchor = createMediaAnchor(
      this.config,
      stack.clock,
      this.logger,
      {
        ...(announcementFile ? { announcementFile } : {}),
        publish: (job) => this.recordings.publish(job),
        wallNow: () => Date.now(),
      },
      this.processMetrics,
    );
    const mediaPolicy = createMediaPolicyLookup(
      this.prisma,
      this.config.database.outageCacheSeconds,
      this.logger,
    );
    const timers = this.config.calls.sessionTimers;
    if (timers.enabled && timers.minSeSeconds < RFC4028_MIN_SE) {
      this.logger.warn(
        { minSE: timers.minSeSeconds },
        `SWITCHBOARD_SESSION_MIN_SE is below RFC 4028's floor of ${RFC4028_MIN_SE} s: for tests only`,
      );
    }
    this.deps = {
      port: this.byes.track(stack),
      domain: this.config.sip.domain,
      allow: stack.allowedMethods.join(', '),
      logger: this.logger,
      expander: new RegisteredTargetExpander(this.registrations, stack, mediaPolicy),
      requestPlan: (job, signal) => this.routing.requestPlan(job, signal, this.latency),
      publishRecord: (record) => {
        this.metrics.callEnded(record);
        return this.records.publish(record);
      },
      liveCalls: new ActiveCallStore(this.redis, NODE_ID, nodeSipAddress(this.config.sip)),
      dialogStates: new DialogStateStore(this.redis),
      rememberAnswer: (pluginId, key, value) => this.pluginState.forPlugin(pluginId).set(key, value),
      wallNow: () => Date.now(),
      maxReroutes: 3,
      retryAfterSeconds: 5,
      maxCallMs: this.config.calls.maxDurationSeconds * 1000,
      maxSdpMedia: this.config.sdp.maxMedia,
      ...(timers.enabled
        ? { sessionTimers: { expires: timers.expiresSeconds, minSE: timers.minSeSeconds } }
        : {}),
      routingFallback: this.config.routing.fallback,
      latency: this.latency,
      media: this.mediaAnchor,
      callerMediaPolicy: mediaPolicy,
      ...(this.voicemail ? { voicemail: this.voicemail } : {}),
      trunkLegs: createTrunkLegDeps(this.prisma, this.redis, this.config, stack, this.logger),
      ...(this.conference ? { conference: this.conference } : {}),
      ...(this.menus ? { menus: this.menus } : {}),
      park: parkDeps(this.config, this.parkLot, this.redis, stack.clock, this.logger),
      ...(this.musicOnHold && this.config.calls.musicOnHold !== 'off'
        ? { musicOnHold: this.musicOnHold }
        : {}),
      dialogs: this.replaces,
      threeWay: {
        code: this.config.calls.threeWay.code,
        digitTimeoutMs: this.config.calls.threeWay.digitTimeoutSeconds * 1000,
      },
    };
    this.pickup = new CallPickup({
      codes: this.config.calls.pickup,
      directory: prismaPickupDirectory(this.prisma),
      dialogs: new DialogStateStore(this.redis),
      localCall: (id) => this.calls.find(id),
      port: this.deps.port,
      allow: this.deps.allow,
      wallNow: () => Date.now(),
      logger: this.logger,
      cluster: {
        pickupRelay: (call, dialled, kind) => this.cluster.pickupRelay(call, dialled, kind),
        relay: (incoming, picker, relay) =>
          this.openSession(incoming, picker, undefined, this.stack.clock.now(), undefined, relay),
      },
    });
  }

  /**
   * Before any transport closes (Nest runs every `beforeApplicationShutdown` before the first
   * `onApplicationShutdown`): BYE on every answered call, 503 to calls still being set up, then a
   * bounded wait for the BYEs' answers so phones are not left with a dead call.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const sessions = this.calls.sessions();
    for (const session of sessions) session.terminate();
    const byes = this.byes.count;
    const drained = await this.byes.drained(this.stack, SHUTDOWN_BYE_WAIT_MS);
    this.lastShutdown = { calls: sessions.length, byes, unanswered: this.byes.count };
    if (sessions.length > 0)
      this.logger[drained ? 'info' : 'warn'](this.lastShutdown, 'shutdown: live calls hung up');
  }

  onApplicationShutdown(): void {
    process.off('SIGUSR2', this.logLatency);
    // Calls were ended in beforeApplicationShutdown; the media anchor's client goes last.
    this.mediaAnchor?.close();
  }

  private async onInvite(incoming: IncomingSipRequest): Promise<void> {
    const receivedAt = this.stack.clock.now();
    const { request, tx } = incoming;
    if (request.to.tag !== undefined) {
      this.onInDialog(incoming);
      return;
    }
    if (this.calls.isOwnLeg(request.callId)) {
      tx.reply(482, 'Loop Detected'); // one of our own legs came back to us (RFC 3261 §16.3 step 4 spirit)
      return;
    }
    const trunk = this.trunks.match(request, incoming.origin);
    const callers = this.callers;
    // Another signalling node relays a park retrieval or pickup of a call this one holds (cluster/).
    const relayed = trunk ? undefined : this.cluster.requestOf(incoming);
    if (relayed === 'answered') return;
    const identity = relayed
      ? this.cluster.callerOf(incoming, relayed)
      : trunk
        ? await callers.trunk(incoming, trunk)
        : await callers.extension(incoming);
    if (!identity) return;
    if (relayed?.kind === 'pickup') {
      if (this.pickup) return this.pickup.runRelayed(incoming, identity, relayed);
      tx.reply(503, 'Service Unavailable');
      return;
    }
    const deps = this.deps;
    if (!deps) {
      callers.endEarly(request, trunk, 503, 'call control not started');
      tx.reply(503, 'Service Unavailable');
      return;
    }
    const refusal = screenNewInvite(request, this.config.sdp.maxMedia, deps.sessionTimers);
    if (refusal) {
      callers.endEarly(request, trunk, refusal.response.status, refusal.cause);
      tx.respond(refusal.response);
      return;
    }
    // RFC 3891 §3: an INVITE with Replaces takes over a dialog the PBX holds (calls/replaces/).
    const replacing = inviteReplaces(
      {
        replaces: request.getHeaderValues('Replaces'),
        fromTrunk: trunk !== undefined,
        caller: identity.callerExtension,
        hasOffer: bodyOf(request) !== undefined,
      },
      this.replaces,
    );
    if (replacing.kind === 'reject') {
      callers.endEarly(request, trunk, replacing.status, replacing.cause);
      tx.reply(replacing.status, replacing.reason);
      return;
    }
    if (replacing.kind === 'pick-up') {
      if (this.pickup) return this.pickup.replacing(incoming, identity, replacing.call, replacing.rung);
      tx.reply(503, 'Service Unavailable');
      return;
    }
    // Pickup codes (*8, **<ext>) from an extension: its INVITE joins the ringing call (calls/pickup/).
    const pickup = trunk ? undefined : this.pickup?.requestOf(identity.destination);
    if (pickup && this.pickup) return this.pickup.run(incoming, identity, pickup);
    // A park slot held by another node: the call goes there (a relayed retrieval is served here).
    const nodeRelay = trunk || relayed ? undefined : await this.parkRelay(identity.destination, request);
    if (tx.state !== 'proceeding' && tx.state !== 'trying') return; // cancelled meanwhile
    const replaced = replacing.kind === 'replace' ? replacing.party : undefined;
    this.openSession(incoming, identity, trunk, receivedAt, replaced, nodeRelay);
  }

  /** The park slot's holder when another node holds it; a failed look-up retrieves here (404). */
  private async parkRelay(destination: string, request: SipRequest): Promise<NodeRelay | undefined> {
    try {
      return await this.cluster.parkRelay(destination);
    } catch (err) {
      this.logger.warn({ err, callId: request.callId }, 'park slot holder not looked up');
      return undefined;
    }
  }

  /** A CallSession for this INVITE, in the table, started. */
  private openSession(
    incoming: IncomingSipRequest,
    identity: CallIdentity,
    trunk: InboundTrunk | undefined,
    receivedAt: number,
    replaced?: Parameters<CallSession['start']>[1],
    relay?: NodeRelay,
  ): void {
    const { request, tx } = incoming;
    const deps = this.deps;
    if (!deps) {
      tx.reply(503, 'Service Unavailable');
      return;
    }
    const table = this.calls;
    const trace = this.trace;
    const session: CallSession = new CallSession(deps, identity, request, tx, {
      legStarted: (callId, side) => {
        table.addLeg(session, callId, side);
        trace.leg(session.id, callId);
      },
      ended: () => {
        const keys = table.remove(session);
        if (keys) this.endedDialogs.remember(keys);
        trace.ended(session.id);
        if (trunk) this.callers.releaseTrunkSlot(trunk, request);
      },
    });
    table.add(session, request.from.tag ?? '');
    this.metrics.callStarted();
    trace.begin(session.id, request.callId);
    this.latency.record('auth', this.stack.clock.now() - receivedAt);
    session.start(receivedAt, replaced, relay);
  }

  private onCancel({ tx, cancelTarget }: IncomingSipRequest): void {
    tx.reply(200);
    const session = cancelTarget ? this.calls.forCancel(cancelTarget) : undefined;
    if (session) session.cancelByCaller();
    else if (cancelTarget && cancelTarget.state === 'proceeding')
      cancelTarget.reply(487, 'Request Terminated');
  }

  /**
   * REFER transfers a call the PBX holds (RFC 3515, in its dialog: calls/transfer/). One outside any
   * dialog would make the PBX place a call for anybody who asks: refused with 403.
   */
  private onRefer(incoming: IncomingSipRequest): void {
    if (incoming.request.to.tag === undefined) {
      incoming.tx.reply(403, 'REFER Outside A Dialog Not Accepted');
      return;
    }
    this.onInDialog(incoming);
  }

  private onInDialog({ request, tx }: IncomingSipRequest): void {
    const match = this.calls.match(request);
    if (!match) {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    match.session.handleRequest(match.side, request, tx);
  }
}
