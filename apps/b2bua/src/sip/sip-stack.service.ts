import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { uriHost, type Logger, type SwitchboardConfig } from '@switchboard/config';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { createResponse, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import {
  type Clock,
  type TimerHandle,
  type ClientTransaction,
  type FlowPin,
  type ClientTransactionHandlers,
  type RequestSource,
  type ResolvedTarget,
  type SendOptions,
  type ServerTransaction,
  SwitchboardSipCodec,
  TargetResolver,
  TransactionLayer,
  type Transport,
  type TransportProtocol,
  endpointKey,
  systemDnsResolver,
} from '@switchboard/transactions';
import { CallTraceService } from '../calls/trace/call-trace.service.js';
import { FloodGuard, type FloodBan } from '../security/flood-guard.js';
import { GuardedTransport } from '../security/guarded-transport.js';
import { OverloadControlService } from '../security/overload-control.service.js';
import { ProbedTransport } from '../security/probed-transport.js';
import type { SecurityMetrics } from '../security/security-metrics.js';
import { CONFIG, LOGGER, SECURITY_METRICS, SIP_CLOCK } from '../tokens.js';
import {
  checkMaxForwards,
  checkMethod,
  checkRequire,
  checkWellFormed,
  type Rejection,
} from './request-checks.js';
import type {
  IncomingSipRequest,
  RequestOrigin,
  SipHandlerOptions,
  SipRequestHandler,
} from './sip-request-handler.js';
import { createSipTransports, listenAll } from './sip-transports.factory.js';
import { SipTransactionMetrics } from './sip-transaction-metrics.js';

/** One bound listener, e.g. `{ protocol: 'UDP', host: '0.0.0.0', port: 5060 }`. */
export interface ListeningPoint {
  readonly protocol: TransportProtocol;
  readonly host: string;
  readonly port: number;
}

interface Registration {
  readonly handler: SipRequestHandler;
  readonly local: boolean;
}

type AckListener = (ack: SipRequest, origin: RequestOrigin) => void;
type StrayResponseListener = (response: SipResponse, origin: RequestOrigin) => void;
type ServerErrorListener = (tx: ServerTransaction<SipMessage>, error: Error | 'timeout') => void;

/** Flood-guard memory bounds: ~100 bytes a source, so at most ~6 MiB + ~1 MiB (README "Security"). */
const FLOOD_MAX_SOURCES = 65_536;
const FLOOD_MAX_BANS = 16_384;
/** How often full buckets and ended bans are forgotten (FloodGuard.sweep: one pass over both maps). */
const FLOOD_SWEEP_MS = 10_000;

/** Option tags always listed in Supported (RFC 3261 §20.37); handlers may add theirs. */
const BASE_SUPPORTED: readonly string[] = [];

/**
 * The SIP stack of the signalling role: transports from config, the RFC 3261 §17 transaction
 * layer, checks every request must pass, and dispatch by method to the registered handlers.
 * Call control, the registrar and OPTIONS plug in with `registerHandler` (in `onModuleInit`,
 * before the listeners open in `onApplicationBootstrap`).
 */
@Injectable()
export class SipStackService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, Registration>();
  /** `allowedMethods`, kept sorted as handlers register: every request's §8.2.1 check reads it. */
  private allowed: readonly string[] = ['ACK', 'CANCEL'];
  private readonly supportedTags = new Set<string>(BASE_SUPPORTED);
  private readonly ackListeners: AckListener[] = [];
  private readonly strayListeners: StrayResponseListener[] = [];
  private readonly serverErrorListeners: ServerErrorListener[] = [];
  private readonly flowClosedListeners: ((flowId: string) => void)[] = [];
  private stopping = false;
  private transports: Transport[] = [];
  private txLayer: TransactionLayer<SipMessage> | undefined;
  private resolver: TargetResolver | undefined;
  private badMessages = 0;
  private readonly flood: FloodGuard;
  private readonly txMetrics: SipTransactionMetrics;
  private floodSweep: TimerHandle | undefined;
  /**
   * The request that passed the §8.2 checks in `screen` and was declined there: the layer hands the
   * very same object to `dispatch` right after, which then skips the checks (the full grammar check
   * was ~1 % of the signalling role's CPU, run twice for every authenticated INVITE).
   */
  private screenedPassed: SipRequest | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SIP_CLOCK) readonly clock: Clock,
    @Inject(SECURITY_METRICS) private readonly metrics: SecurityMetrics,
    @Inject(CallTraceService) private readonly trace: CallTraceService,
    @Inject(METRICS) processMetrics: ProcessMetrics,
    @Inject(OverloadControlService) private readonly overload: OverloadControlService,
  ) {
    this.txMetrics = new SipTransactionMetrics(processMetrics, () => this.txLayer?.census());
    this.flood = new FloodGuard(config.flood, {
      now: () => clock.now(),
      maxSources: FLOOD_MAX_SOURCES,
      maxBans: FLOOD_MAX_BANS,
      onBan: (ban) => this.banned(ban),
    });
  }

  /** Addresses the flood guard never limits (the trunks' sources, which change at run time). */
  trustSources(trusted: (ip: string) => boolean): void {
    this.flood.trust(trusted);
  }

  /** The flood guard's tracked sources and bans (memory figures). */
  get floodState(): { sources: number; bans: number } {
    return this.flood.size;
  }

  /** A ban is a warn-level line starting with the address, for fail2ban-style log watchers. */
  private banned(ban: FloodBan): void {
    this.metrics.increment('floodBans');
    const { ratePerSecond, burst, banSeconds } = this.config.flood;
    this.logger.warn(
      { event: 'sip-flood-ban', ip: ban.ip, reason: ban.reason, ratePerSecond, burst, banSeconds },
      `SIP flood: banned ${ban.ip} for ${banSeconds} s (more than ${ratePerSecond} packets/s after a burst of ${burst})`,
    );
  }

  /** Routes requests of `method` (upper case, e.g. 'INVITE') to `handler`; one handler per method. */
  registerHandler(method: string, handler: SipRequestHandler, options: SipHandlerOptions = {}): void {
    const m = method.toUpperCase();
    if (m === 'ACK') throw new TypeError('ACK is not dispatched as a request: use onAck()');
    if (this.handlers.has(m)) throw new TypeError(`a SIP handler for ${m} is already registered`);
    this.handlers.set(m, { handler, local: options.local ?? false });
    this.allowed = [...new Set(['ACK', 'CANCEL', ...this.handlers.keys()])].sort(methodOrder);
  }

  /** Declares an option tag we implement (listed in Supported, accepted in Require). */
  addSupported(optionTag: string): void {
    this.supportedTags.add(optionTag.toLowerCase());
  }

  /** ACKs for 2xx responses (their own transaction, RFC 3261 §17.1.1.3): dialogs match them. */
  onAck(listener: AckListener): void {
    this.ackListeners.push(listener);
  }

  /** Responses no client transaction matched (e.g. a 2xx retransmitted after the INVITE transaction ended). */
  onStrayResponse(listener: StrayResponseListener): void {
    this.strayListeners.push(listener);
  }

  /** Timer H (no ACK for our final response) or a transport error while answering. */
  onServerError(listener: ServerErrorListener): void {
    this.serverErrorListeners.push(listener);
  }

  /**
   * A connection (flow) of ours closed (RFC 5626 §5.3): the registrar forgets the bindings on it. Not
   * reported while shutting down (the bindings' flows die with the process; phones re-register).
   */
  onFlowClosed(listener: (flowId: string) => void): void {
    this.flowClosedListeners.push(listener);
  }

  /** True while the connection `flowId` is open in this process. */
  isFlowOpen(flowId: string): boolean {
    return this.transports.some((t) => t.flows?.isOpen(flowId) === true);
  }

  /**
   * Keeps a flow open for a binding (or with `undefined` releases it). `closed`: the flow was ours and
   * has closed; `foreign`: not a flow of this stack (an earlier process, or another in tests).
   */
  pinFlow(flowId: string, key: string, pin: FlowPin | undefined): 'pinned' | 'closed' | 'foreign' {
    const owner = this.transports.find((t) => t.flows?.owns(flowId) === true);
    if (!owner?.flows) return 'foreign';
    return owner.flows.pin(flowId, key, pin) ? 'pinned' : 'closed';
  }

  /** Methods answered here, for Allow headers (RFC 3261 §20.5). ACK and CANCEL are always accepted. */
  get allowedMethods(): readonly string[] {
    return this.allowed;
  }

  get supported(): string[] {
    return [...this.supportedTags];
  }

  /** Bound listeners, after start-up. */
  get listeningPoints(): ListeningPoint[] {
    return this.transports.map((t) => ({ protocol: t.protocol, ...t.address() }));
  }

  /** The transaction layer (started); throws before start-up. */
  get layer(): TransactionLayer<SipMessage> {
    if (!this.txLayer) throw new Error('the SIP stack is not started');
    return this.txLayer;
  }

  /**
   * Our own SIP URI on a transport, for Contact/Record-Route of the legs we create
   * (public address, bound port, `transport=` parameter for anything but UDP). `secure` asks for a
   * SIPS URI (RFC 3261 §8.1.1.8, §12.1.1: only when the dialog's request used SIPS URIs); a TLS leg
   * without it gets `sip:…;transport=tls` (RFC 5630 §3.1.1), which every TLS phone can answer.
   */
  localUri(protocol: TransportProtocol = 'UDP', user?: string, secure = false): string {
    const point = this.listeningPoints.find((p) => p.protocol === protocol);
    if (!point) throw new TypeError(`no ${protocol} listener`);
    const hostPart = uriHost(this.config.sip.publicAddress);
    const scheme = secure && (protocol === 'TLS' || protocol === 'WSS') ? 'sips' : 'sip';
    const transport = protocol === 'UDP' ? '' : `;transport=${protocol.toLowerCase()}`;
    return `${scheme}:${user ? `${user}@` : ''}${hostPart}:${point.port}${transport}`;
  }

  /**
   * Sends a request as UAC in a new client transaction (not ACK); the layer adds the top Via
   * (sent-by = public address, rport). A CANCEL passes `{ branch }` of its INVITE (RFC 3261 §9.1).
   */
  sendRequest(
    request: SipRequest,
    target: ResolvedTarget,
    handlers: ClientTransactionHandlers<SipMessage> = {},
    options: SendOptions = {},
  ): ClientTransaction<SipMessage> {
    return this.layer.sendRequest(request, target, handlers, options);
  }

  /** A CRLF keep-alive (RFC 5626 §3.5.1) to a UDP peer, from our UDP listener (NAT pinholes). */
  sendCrlfKeepAlive(target: { host: string; port: number }): Promise<void> {
    const udp = this.transports.find((t) => t.protocol === 'UDP');
    if (!udp) return Promise.reject(new Error('no UDP listener'));
    return udp.send(target, Buffer.from('\r\n\r\n'));
  }

  /** Sends the ACK for a 2xx statelessly (RFC 3261 §13.2.2.4). */
  sendAck(ack: SipRequest, target: ResolvedTarget): Promise<void> {
    return this.layer.sendAck(ack, target);
  }

  /** RFC 3263 server location for a SIP URI's host/port/transport (registered contacts need none: use their source). */
  resolve(input: {
    host: string;
    port?: number;
    transport?: string;
    secure?: boolean;
  }): Promise<ResolvedTarget[]> {
    if (!this.resolver) throw new Error('the SIP stack is not started');
    return this.resolver.resolve(input);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Flood control wraps every listener: banned sources are dropped before parsing (no state at all).
    // The per-call trace wraps the guard, so it sees what the stack handles and sends, not floods.
    // Overload control's intake-delay probe datagrams are taken off the UDP listener before anything else.
    const raw = createSipTransports(this.config, this.logger);
    const transports = raw.map((t) =>
      this.trace.wrap(
        new GuardedTransport(
          t.protocol === 'UDP'
            ? new ProbedTransport(t, (data, from) => this.overload.takeProbe(data, from))
            : t,
          (ip) => this.flood.admit(ip),
          () => this.metrics.increment('floodDropped'),
        ),
      ),
    );
    await listenAll(transports, this.config.sip.bindAddress);
    const udp = raw.find((t) => t.protocol === 'UDP');
    if (udp) await this.overload.probeIntake(udp.address());
    this.transports = transports;
    this.sweepFloodGuard();
    for (const t of transports)
      t.flows?.onClosed((flowId) => {
        if (!this.stopping) for (const l of this.flowClosedListeners) l(flowId);
      });
    this.resolver = new TargetResolver(systemDnsResolver(), {
      supported: [...new Set(transports.map((t) => t.protocol))],
    });
    const layer = new TransactionLayer<SipMessage>({
      codec: new SwitchboardSipCodec(),
      clock: this.clock,
      transports,
      viaHost: this.config.sip.publicAddress,
      udpMaxBytes: this.config.sip.udpMaxBytes,
      maxMessageBytes: this.config.sip.maxMessageBytes,
      observer: this.txMetrics,
      // §17.2.1 allows the 100 to wait 200 ms for the TU's own answer ('deferred', one UDP send less
      // per quick call), but the PBX sends it at once: behind a stateful proxy (Kamailio's dispatcher,
      // docker/kamailio) the 100 is what tells the proxy this node took the INVITE — without it the
      // proxy's fr_timer fails a node that died in those 200 ms over to another node, outside the
      // probing that marks nodes down (scale-out-dispatcher-kamailio.test.ts). The saving was within
      // the bench's noise (issue #21).
      trying: 'immediate',
    });
    layer.setUser({
      onRequest: (request, tx, extra) => this.dispatch(request, tx, extra.cancelTarget),
      screen: (request, origin, send) => this.screen(request, origin, send),
      onAck: (ack, origin) => {
        if (ack.kind === 'request') for (const l of this.ackListeners) l(ack, originOf(origin));
      },
      onStrayResponse: (response, origin) => {
        if (response.kind === 'response') for (const l of this.strayListeners) l(response, originOf(origin));
      },
      onServerError: (tx, error) => {
        for (const l of this.serverErrorListeners) l(tx, error);
      },
      onBadMessage: (error, packet) => {
        this.badMessages += 1;
        this.logger.debug(
          { from: endpointKey(packet.source), error: (error as Error).message },
          'unparsable SIP message',
        );
      },
    });
    this.txLayer = layer;
    this.logStartup();
  }

  /** Re-armed until shutdown: the flood guard's maps return to empty after a flood. */
  private sweepFloodGuard(): void {
    this.floodSweep = this.clock.schedule(FLOOD_SWEEP_MS, () => {
      this.flood.sweep();
      if (!this.stopping) this.sweepFloodGuard();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.floodSweep?.cancel();
    const layer = this.txLayer;
    this.txLayer = undefined;
    if (layer) await layer.close();
    else await Promise.allSettled(this.transports.map((t) => t.close()));
    this.logger.info({ badMessages: this.badMessages }, 'SIP listeners closed');
  }

  /**
   * Offers a new request to its handler's stateless answer (a challenge) before any transaction;
   * one that fails a check of RFC 3261 §8.2 goes the stateful way, where it gets its error response.
   */
  private screen(
    message: SipMessage,
    origin: RequestSource,
    send: (response: SipMessage) => Promise<void>,
  ): boolean {
    if (message.kind !== 'request') return false;
    const registration = this.handlers.get(message.method);
    if (!registration?.handler.screen) return false;
    try {
      if (this.check(message, registration) !== undefined) return false;
      if (
        message.method === 'INVITE' &&
        message.to.tag === undefined &&
        this.refusedForOverload(message, send)
      )
        return true;
      const answered = registration.handler.screen(message, originOf(origin), send);
      if (!answered) this.screenedPassed = message;
      return answered;
    } catch (err) {
      this.logger.error(
        { err, method: message.method, callId: message.callId },
        'SIP stateless answer failed',
      );
      return false; // the stateful way answers it
    }
  }

  /**
   * Overload control sees each new INVITE before its handler's screen (the digest challenge, which
   * may read the extension's row): a refused call costs no authentication work, no transaction and
   * no Redis command, only a stateless 503 with Retry-After.
   */
  private refusedForOverload(request: SipRequest, send: (response: SipMessage) => Promise<void>): boolean {
    const refusal = this.overload.refuseNewCall(request);
    if (!refusal) return false;
    send(refusal).catch((err: unknown) =>
      this.logger.warn({ err, callId: request.callId }, 'overload 503 could not be sent'),
    );
    return true;
  }

  /** The checks of RFC 3261 §8.2 in order; the first that fails gives the response. */
  private check(message: SipRequest, registration: Registration | undefined): Rejection | undefined {
    return (
      checkWellFormed(message) ??
      checkMaxForwards(message, registration?.local ?? false) ??
      checkRequire(message, this.supportedTags) ??
      checkMethod(message, this.allowedMethods)
    );
  }

  /** The checks of RFC 3261 §8.2 in order, then the method's handler. Never throws. */
  private dispatch(
    message: SipMessage,
    tx: ServerTransaction<SipMessage>,
    cancelTarget?: ServerTransaction<SipMessage>,
  ): void {
    if (message.kind !== 'request') return;
    const screened = this.screenedPassed === message;
    this.screenedPassed = undefined;
    try {
      const registration = this.handlers.get(message.method);
      const rejection = screened ? undefined : this.check(message, registration);
      if (rejection) {
        this.reject(tx, message, rejection);
        return;
      }
      const incoming: IncomingSipRequest = {
        request: message,
        tx,
        origin: originOf(tx.origin),
        ...(cancelTarget ? { cancelTarget } : {}),
      };
      if (!registration) {
        if (message.method === 'CANCEL') this.defaultCancel(incoming);
        return;
      }
      const pending = registration.handler.handle(incoming);
      if (pending instanceof Promise) pending.catch((err: unknown) => this.handlerFailed(tx, message, err));
    } catch (err) {
      this.handlerFailed(tx, message, err);
    }
  }

  /** RFC 3261 §9.2 when nobody handles CANCEL: 200 to the CANCEL, 487 to the INVITE if still open. */
  private defaultCancel({ tx, cancelTarget }: IncomingSipRequest): void {
    tx.reply(200);
    if (cancelTarget && cancelTarget.state === 'proceeding') cancelTarget.reply(487, 'Request Terminated');
  }

  private reject(tx: ServerTransaction<SipMessage>, request: SipRequest, r: Rejection): void {
    this.logger.debug({ method: request.method, status: r.status, reason: r.reason }, 'SIP request rejected');
    tx.respond(
      createResponse(request, r.status, { reason: r.reason, ...(r.headers ? { headers: r.headers } : {}) }),
    );
  }

  private handlerFailed(tx: ServerTransaction<SipMessage>, request: SipRequest, err: unknown): void {
    this.logger.error({ err, method: request.method, callId: request.callId }, 'SIP request handler failed');
    if (tx.state === 'trying' || tx.state === 'proceeding') {
      try {
        tx.reply(500, 'Server Internal Error');
      } catch {
        // The transaction may have ended meanwhile; nothing more to answer.
      }
    }
  }

  private logStartup(): void {
    const { domain, publicAddress } = this.config.sip;
    const host = uriHost(publicAddress);
    const listen = this.listeningPoints.map((p) => `${p.protocol.toLowerCase()}:${endpointKey(p)}`);
    const servers = this.listeningPoints.map((p) => `${p.protocol} ${host}:${p.port}`);
    this.logger.info(
      { domain, publicAddress, listen, servers, aor: `sip:<extension>@${domain}` },
      `SIP ready: phones register as sip:<extension>@${domain} (digest user = extension number, realm ${domain}) ` +
        `to ${servers.join(', ')}`,
    );
  }
}

function originOf(o: RequestSource): RequestOrigin {
  return { protocol: o.transport.protocol, host: o.source.host, port: o.source.port, flowId: o.flowId };
}

const METHOD_ORDER = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER'];

function methodOrder(a: string, b: string): number {
  const ia = METHOD_ORDER.indexOf(a);
  const ib = METHOD_ORDER.indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a.localeCompare(b);
}
