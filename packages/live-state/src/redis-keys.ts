import { z } from 'zod';

/**
 * The Redis keys contract between the B2BUA (writer) and the admin app (reader).
 * Times are Unix epoch milliseconds. Everything here is soft state: PostgreSQL holds the truth.
 */
export const redisKeys = {
  /** ZSET: member = AOR (e.g. "sip:1001@pbx.example"), score = latest binding expiry. */
  registrations: 'sb:regs',
  /** HASH per AOR: field = Contact URI, value = JSON RegistrationBinding. */
  registration: (aor: string): string => `sb:reg:${aor}`,
  /** ZSET: member = call id, score = start time. */
  calls: 'sb:calls',
  /** HASH per active call, fields as ActiveCall (all strings). */
  call: (callId: string): string => `sb:call:${callId}`,
  /** ZSET per extension: member = call id, score = start time; its size is the extension's active calls. */
  extensionCalls: (extension: string): string => `sb:ext-calls:${extension}`,
  /** ZSET per extension of its calls through a trunk (member = call id): its outside-call limit. */
  extensionExternalCalls: (extension: string): string => `sb:ext-outside-calls:${extension}`,
  /** ZSET per trunk of the calls using it (member = call id): the trunk's concurrent-call limit. */
  trunkCalls: (trunk: string): string => `sb:trunk-calls:${trunk}`,
  /** HASH: field = plugin id, value = JSON PluginManifest, written by routing workers at start. */
  pluginManifests: 'sb:plugins',
  /** STRING: revision of the plugin configuration, INCR by the admin app after each saved change. */
  pluginConfigRevision: 'sb:plugins:revision',
  /** Pub/sub channel: the new revision, published after the INCR; routing workers reload on it. */
  pluginConfigChanged: 'sb:plugins:changed',
  /** STRING per plugin key: the plugin's own small state (PluginApi.state). */
  pluginState: (pluginId: string, key: string): string => `sb:plugin-state:${pluginId}:${key}`,
  /**
   * HASH per mailbox account (`sip:<ext>@<domain>`, like registrations): field = subscription id, value =
   * JSON of a message-summary subscription (RFC 3842) and its dialog; expires after its last subscription.
   */
  mwiSubscriptions: (account: string): string => `sb:mwi-subs:${account}`,
  /** HASH per mailbox account: field = subscription id, value = CSeq of the last NOTIFY sent in that dialog. */
  mwiNotifySeq: (account: string): string => `sb:mwi-seq:${account}`,
  /**
   * LIST per SIP domain of extension numbers whose mailbox changed (LPUSH by anyone: voicemail worker,
   * admin app); one signalling process of that domain pops each (BRPOP) and NOTIFYs the subscribers.
   */
  mwiChanges: (domain: string): string => `sb:mwi-changes:${domain}`,
  /**
   * HASH per watched resource (extension number, later park slot): field = dialog id, value = JSON
   * ExtensionDialog, its calls' dialogs as the dialog event package (RFC 4235) reports them; written by
   * the signalling process that holds the call, read for full-state NOTIFYs and the admin's lamps.
   */
  extensionDialogs: (resource: string): string => `sb:ext-dialogs:${resource}`,
  /**
   * HASH: field = park slot number, value = JSON ParkedCall, written by the signalling process that
   * holds the parked call (admin Live page); the slot's lamp is its extensionDialogs entry.
   */
  parkedCalls: 'sb:parked',
  /**
   * Pub/sub channel: a JSON array of DialogChange after each write of extensionDialogs (one message per
   * write batch: the changes of one event-loop turn of the writing process), for partial-state NOTIFYs.
   */
  dialogChanges: 'sb:dialog-changes',
  /** HASH per watched account (`sip:<ext>@<domain>`): field = subscription id, value = JSON dialog-package subscription. */
  dialogSubscriptions: (account: string): string => `sb:dialog-subs:${account}`,
  /** HASH per watched account: field = subscription id, value = CSeq of the last NOTIFY in that dialog. */
  dialogNotifySeq: (account: string): string => `sb:dialog-seq:${account}`,
  /** HASH per watched account: presence (RFC 3856) subscriptions, as dialogSubscriptions. */
  presenceSubscriptions: (account: string): string => `sb:presence-subs:${account}`,
  /** HASH per watched account: NOTIFY CSeq per presence subscription. */
  presenceNotifySeq: (account: string): string => `sb:presence-seq:${account}`,
  /**
   * Pub/sub channel: JSON CallHangupRequest from the admin app; every signalling process answers on
   * callHangupResults whether it held the call (and ended it).
   */
  callHangupRequests: 'sb:calls:hangup',
  /** Pub/sub channel: JSON CallHangupResult, one per signalling process that got the request. */
  callHangupResults: 'sb:calls:hangup:results',
  /** HASH: field = trunk id, value = JSON TrunkRegistrationStatus, written by the signalling process. */
  trunkRegistrations: 'sb:trunk-regs',
  /** STRING per trunk: the node id that runs its outbound registration (a lease, PX-bounded). */
  trunkRegistrationLease: (trunkId: string): string => `sb:trunk-reg-lease:${trunkId}`,
  /** Pub/sub channel: a trunk was created, changed or deleted (message = its id); signalling reloads. */
  trunksChanged: 'sb:trunks:changed',
} as const;

export const registrationBindingSchema = z.object({
  aor: z.string(),
  contact: z.string(),
  expiresAt: z.number(),
  /** q-value of the binding, RFC 3261 §10.2.1.2. */
  q: z.number().min(0).max(1).optional(),
  registeredAt: z.number().optional(),
  userAgent: z.string().optional(),
  displayName: z.string().optional(),
  /** Where the REGISTER really came from ("ip:port"): requests go there (NAT). */
  sourceAddress: z.string().optional(),
  transport: z.string().optional(),
  /** Call-ID and CSeq of the REGISTER that created or refreshed it (RFC 3261 §10.3 step 7). */
  callId: z.string().optional(),
  cseq: z.number().optional(),
  /** The signalling process that holds the binding's flow. */
  node: z.string().optional(),
  /** The connection (flow) the REGISTER came on, stream transports only: requests go over it (RFC 5626 §5.3). */
  flowId: z.string().optional(),
  /** The phone's `+sip.instance` (RFC 5626 §4.1): one binding per instance (and reg-id). */
  instance: z.string().optional(),
  /** The Contact's `reg-id` when RFC 5626 outbound is in use for this binding. */
  regId: z.number().int().positive().optional(),
  /**
   * The REGISTER's Path values in order (RFC 3327 §5.3), each a name-addr: requests to the contact
   * carry them as a preloaded Route set, so they reach the phone through the proxies that relayed it.
   */
  path: z.array(z.string()).optional(),
});
export type RegistrationBinding = z.infer<typeof registrationBindingSchema>;

const epochMs = z.coerce.number().int().nonnegative();

export const activeCallSchema = z.object({
  id: z.string(),
  state: z.string(),
  from: z.string(),
  fromDisplayName: z.string().optional(),
  to: z.string(),
  toDisplayName: z.string().optional(),
  startedAt: epochMs,
  answeredAt: epochMs.optional(),
  callerUserAgent: z.string().optional(),
  node: z.string().optional(),
});
export type ActiveCall = z.infer<typeof activeCallSchema>;

/** One dialog of a watched resource (RFC 4235 §4.1.2), as the B2BUA leg towards it sees it. */
export const extensionDialogSchema = z.object({
  /** Unique per dialog of the resource (the dialog element's id attribute). */
  id: z.string().min(1).max(200),
  /** The SIP Call-ID of the leg to or from the resource's phone. */
  callId: z.string().max(200).optional(),
  /**
   * RFC 4235 §4.1.6: the dialog's tags as the resource's phone sees them (its own tag is local), so a
   * watcher can name the dialog in a Replaces (RFC 3891) to pick the call up from a busy-lamp key.
   */
  localTag: z.string().max(200).optional(),
  remoteTag: z.string().max(200).optional(),
  /** RFC 4235 §3.7.1 states; `proceeding` is a 1xx without a To tag. */
  state: z.enum(['trying', 'proceeding', 'early', 'confirmed', 'terminated']),
  /** `initiator`: the resource's phone called; `recipient`: it is being called. */
  direction: z.enum(['initiator', 'recipient']),
  /** The other party's URI and display name (the remote element). */
  remote: z.string().max(500),
  remoteName: z.string().max(200).optional(),
  /** Why it terminated (§4.1.2 event attribute): cancelled, rejected, replaced, local-bye, remote-bye, error, timeout. */
  event: z
    .enum(['cancelled', 'rejected', 'replaced', 'local-bye', 'remote-bye', 'error', 'timeout'])
    .optional(),
  /** SIP status that ended it (the state's code attribute). */
  code: z.number().int().optional(),
  /** Epoch ms of the dialog's start (duration in NOTIFYs and the admin). */
  startedAt: z.number(),
});
export type ExtensionDialog = z.infer<typeof extensionDialogSchema>;

/** A change of one resource's dialog, published on dialogChanges (in an array, one per message). */
export const dialogChangeSchema = z.object({
  resource: z.string().min(1).max(64),
  dialog: extensionDialogSchema,
});
export type DialogChange = z.infer<typeof dialogChangeSchema>;

/** A call waiting in a park slot (redisKeys.parkedCalls). */
export const parkedCallSchema = z.object({
  slot: z.number().int().nonnegative(),
  /** The parked party (extension number, else its URI) and its display name. */
  parked: z.string().max(500),
  parkedName: z.string().max(200).optional(),
  /** Who parked it (extension number, else URI): rung again when the park times out. */
  parker: z.string().max(500),
  /** Epoch ms: parked since, and when it rings the parker again. */
  since: z.number(),
  timeoutAt: z.number(),
  /** The call session's id and the signalling process holding it. */
  call: z.string().max(200),
  node: z.string().max(200).optional(),
  /** The holding node's SIP address (`ip:port`): another node relays a retrieval of the slot there. */
  sipNode: z.string().max(200).optional(),
});
export type ParkedCall = z.infer<typeof parkedCallSchema>;

export const pluginManifestSchema = z.object({
  id: z.string().min(1).max(128),
  version: z.string().optional(),
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  /** JSON Schema of the configuration (as z.toJSONSchema gives it). */
  configJsonSchema: z.record(z.string(), z.unknown()).optional(),
});
export type PluginManifest = z.infer<typeof pluginManifestSchema>;

/** An operator asks the signalling processes to end a call (BYE or CANCEL on every leg). */
export const callHangupRequestSchema = z.object({
  /** Matches the results to this request. */
  requestId: z.string().min(1).max(64),
  callId: z.string().min(1).max(128),
  /** Who asked, for the call record's hang-up cause (e.g. "admin alice"). */
  by: z.string().min(1).max(128),
});
export type CallHangupRequest = z.infer<typeof callHangupRequestSchema>;

export const callHangupResultSchema = z.object({
  requestId: z.string(),
  callId: z.string(),
  /** Whether this process held the call and ended it. */
  found: z.boolean(),
  node: z.string().optional(),
});
export type CallHangupResult = z.infer<typeof callHangupResultSchema>;

/** Outbound registration of one trunk as the B2BUA last saw it (times: epoch ms). */
export const trunkRegistrationStatusSchema = z.object({
  /** `disabled`: not registering (trunk disabled, registration off, or being removed). */
  state: z.enum(['registering', 'registered', 'failing', 'disabled']),
  /** Consecutive failed attempts. */
  failures: z.number().int().nonnegative(),
  /** Status code and reason of the last final response; no code when none came (timeout, no route). */
  lastStatus: z.number().int().optional(),
  lastReason: z.string().optional(),
  lastResponseAt: z.number().optional(),
  /** When the provider drops our binding unless refreshed, and the expiry it granted (seconds). */
  registeredUntil: z.number().optional(),
  expires: z.number().optional(),
  /** Failing: when the next attempt goes out (the back-off). */
  nextAttemptAt: z.number().optional(),
  /** Signalling process that holds the registration. */
  node: z.string().optional(),
});
export type TrunkRegistrationStatus = z.infer<typeof trunkRegistrationStatusSchema>;
