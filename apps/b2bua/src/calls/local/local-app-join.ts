import type { LocalCall, LocalCallContext, LocalCallEnd } from '../../voicemail/local-call.js';
import type { BridgeSide } from '../bridge/call-bridge.js';
import type { CallDeps } from '../call-deps.js';
import type { CallIdentity } from '../call-routing.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { isMissing, localAppLabel, startLocalApp, type LocalAppEnd } from './local-apps.js';
import { MovedParty } from './moved-party.js';

/** What joining an answered party to a local application reads from and does to its call. */
export interface LocalAppJoinHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  /** The moving party as the application's caller (who leaves the message, who is in the room). */
  readonly identity: CallIdentity;
  /** Its dialog with the PBX (a bridge side). */
  readonly side: BridgeSide;
  readonly end: LocalAppEnd;
  /** The party took the application's offer: the call is the application's from now on. */
  joined(app: LocalCall, label: string): void;
  /** It never did (`status`: the application's refusal or the party's answer): the call goes on as it was. */
  failed(status: number, reason: string): void;
  /** The application ended after the join: so does the call (it was answered long before). */
  ended(end: LocalCallEnd): void;
  /** A menu's choice passes the joined party on, routed through the plugins as a direct caller's is. */
  readonly handOver: LocalCallContext['handOver'];
  /** A step of the party's way through local applications, for the record. */
  readonly passedOn: LocalCallContext['passedOn'];
}

type Phase = 'starting' | 'joined' | 'over';

/**
 * An answered party of a call joins a local application (voicemail, a conference room, a menu):
 * the application is started exactly as for a new call (startLocalApp) with a MovedParty instead of
 * a caller, so its checks (no such box, room full, wrong PIN…) and its answer are its own; the answer
 * reaches the party as a re-INVITE, and only its 2xx moves the call to the application.
 */
export class LocalAppJoin {
  private phase: Phase = 'starting';
  private app: LocalCall | undefined;
  private label: string;
  private readonly party: MovedParty;

  constructor(private readonly host: LocalAppJoinHost) {
    this.label = localAppLabel(host.end);
    this.party = new MovedParty(host.side, host.deps, host.log, () => this.joined());
  }

  start(): void {
    const { deps, log } = this.host;
    const app = startLocalApp(deps, this.host.end, {
      callId: log.call,
      party: this.party,
      identity: this.host.identity,
      port: deps.port,
      allow: deps.allow,
      logger: deps.logger,
      answered: (by) => {
        this.label = by; // the call was answered long ago: the join counts once the party confirms
      },
      ended: (end) => this.appEnded(end),
      handOver: (request, listener) => this.host.handOver(request, listener),
      passedOn: (by, target, status) => this.host.passedOn(by, target, status),
    });
    if (isMissing(app)) return this.fail(app.status, app.reason);
    if (this.phase === 'starting') this.app = app;
  }

  /** The call ended before the party joined: the application stops without a word to it. */
  stop(): void {
    if (this.phase !== 'starting') return;
    this.phase = 'over';
    this.app?.cancel();
  }

  private joined(): void {
    const app = this.app;
    if (this.phase !== 'starting' || !app) return;
    this.phase = 'joined';
    this.host.deps.logger.info({ ...this.host.log, app: this.label }, 'party joined a local application');
    this.host.joined(app, this.label);
  }

  private appEnded(end: LocalCallEnd): void {
    if (this.phase === 'joined') {
      this.phase = 'over';
      // The call was answered before the party moved: its record stays answered whatever the app says.
      return this.host.ended({ ...end, disposition: 'answered' });
    }
    const refusal = this.party.refusal;
    this.fail(refusal?.status ?? end.status ?? 480, refusal?.reason ?? end.cause);
  }

  private fail(status: number, reason: string): void {
    if (this.phase !== 'starting') return;
    this.phase = 'over';
    this.host.deps.logger.info(
      { ...this.host.log, app: this.label, status, reason },
      'party did not join the local application',
    );
    this.host.failed(status, reason);
  }
}
