import type { Logger, RoutingFallback } from '@switchboard/config';
import type { SessionTimerSettings } from '@switchboard/dialog';
import type { CallRecordJob } from '../jobs/call-record-job.js';
import type { RoutingJob } from '../jobs/routing-job.js';
import type { RoutingOutcome } from '../routing/routing-client.service.js';
import type { Side } from './bridge/call-bridge.js';
import type { CallLatencyRecorder } from './call-latency.js';
import type { CallSipPort } from './call-sip-port.js';
import type { MediaAnchorDeps } from './media/call-media.js';
import type { LegMediaPolicy } from './media/media-policy.js';
import type { TargetExpander } from './plan/branch-types.js';
import type { TrunkLegDeps } from './legs/trunk-target-expander.js';
import type { ParkLot } from './park/park-lot.js';
import type { ParkSlotSink } from './park/park-slot.store.js';
import type { ParkAnnouncer } from './park/park-announcer.js';
import type { VoicemailApps } from '../voicemail/local-call.js';
import type { ConferenceApps } from '../conference/conference-apps.js';
import type { MenuApps } from '../ivr/menu-apps.js';
import type { ActiveCallStore } from './records/active-call-store.js';
import type { DialogStateSink } from './lamps/dialog-lamp.js';
import type { MusicOnHold } from './hold/held-leg-music.js';
import type { DialogDirectory } from './replaces/call-dialogs.js';

/** Everything a call session uses from outside; the service wires the real ones, tests their own. */
export interface CallDeps {
  readonly port: CallSipPort;
  readonly domain: string;
  readonly allow: string;
  readonly logger: Logger;
  readonly expander: TargetExpander;
  readonly requestPlan: (job: RoutingJob, signal: AbortSignal) => Promise<RoutingOutcome>;
  readonly publishRecord: (record: CallRecordJob) => Promise<void>;
  readonly liveCalls: ActiveCallStore;
  readonly rememberAnswer: (pluginId: string, key: string, value: string) => Promise<void>;
  /** Unix ms now (records); the call's timers run on `port.clock`. */
  readonly wallNow: () => number;
  /** `reroute` asks the plugins again at most this many times per call. */
  readonly maxReroutes: number;
  /** An answered call is ended with BYE on both legs after this long (0 = no limit). */
  readonly maxCallMs: number;
  /** SWITCHBOARD_SDP_MAX_MEDIA: most m-lines per SDP body (488 above); undefined = no cap. */
  readonly maxSdpMedia?: number;
  /** RFC 4028 session timers on every leg (absent: off). */
  readonly sessionTimers?: SessionTimerSettings;
  /** Seconds in Retry-After of the 503 when routing fails or times out. */
  readonly retryAfterSeconds: number;
  /** Setup latency samples of the B2BUA's own share (bench:cps, SIGUSR2 summary); absent: not measured. */
  readonly latency?: CallLatencyRecorder;
  /** What a call gets when routing fails or times out (SWITCHBOARD_ROUTING_FALLBACK). */
  readonly routingFallback: RoutingFallback;
  /** Media anchoring in rtpengine (absent: every call's media flow directly). */
  readonly media?: MediaAnchorDeps;
  /** The calling extension's media policy (absent: the default policy for every caller). */
  readonly callerMediaPolicy?: (extension: string) => Promise<LegMediaPolicy>;
  /** Extensions' dialog states for the dialog event package, RFC 4235 (absent: no busy lamps). */
  readonly dialogStates?: DialogStateSink;
  /** Trunk legs: provider lookup, credentials, limits (absent: a trunk target is unavailable). */
  readonly trunkLegs?: TrunkLegDeps;
  /** Call park: the slots and how long a call stays parked (absent: REFER to the park number is a transfer). */
  readonly park?: {
    readonly lot: ParkLot;
    readonly timeoutMs: number;
    readonly slots?: ParkSlotSink;
    /** Plays the parker its slot before the final NOTIFY (absent: the sipfrag alone names it). */
    readonly announcer?: ParkAnnouncer;
  };
  /** The PBX's calls by the dialogs a Replaces names (absent: attended transfer answers 481). */
  readonly dialogs?: DialogDirectory;
  /** Voicemail deposit and mailbox access (absent: a plan's voicemail end gets 480). */
  readonly voicemail?: VoicemailApps;
  /** Conference rooms (absent: a plan's conference end gets 480). */
  readonly conference?: ConferenceApps;
  /** Auto-attendant menus (absent: a plan's menu end gets 480). */
  readonly menus?: MenuApps;
  /** Music to held and parked parties (absent: they hear silence, SWITCHBOARD_MUSIC_ON_HOLD=off). */
  readonly musicOnHold?: MusicOnHold;
  /** Three-way calling by feature code (absent: off); the room comes from `conference`. */
  readonly threeWay?: { readonly code: string; readonly digitTimeoutMs: number };
}

/** What the session tells the call table about the Call-IDs it owns. */
export interface CallTableHooks {
  /** `side`: the bridge side the leg plays (default callee; a transfer target may take the caller's). */
  legStarted(callId: string, side?: Side): void;
  ended(): void;
}
