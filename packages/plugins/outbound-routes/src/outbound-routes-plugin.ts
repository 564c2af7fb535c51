import {
  PASS,
  classAllows,
  definePlugin,
  type CallContext,
  type ExtensionInfo,
  type PluginApi,
  type RoutingDecision,
  type RoutingPlanInput,
} from '@switchboard/plugin-sdk';
import { configSchema, type OutboundRoutesConfig } from './outbound-routes-config.js';
import { emergencyTrunks, outboundNumber } from './outbound-number.js';

export const PLUGIN_ID = 'outbound-routes';

/** Ring time of an emergency call that no route matched. */
const EMERGENCY_RING_SECONDS = 300;

interface Dialout {
  readonly trunks: readonly string[];
  readonly number: string;
  readonly ringTimeoutSeconds: number;
  readonly callerIdNumber: string | undefined;
  readonly anonymous: boolean;
  readonly emergency: boolean;
}

/**
 * Outbound routes: an extension's call to a number that is not ours goes out through the first
 * route whose dial pattern matches, to its trunks in order (failover on carrier failures only),
 * with the extension's external number (or the route's) as caller ID. Toll-fraud protection: the
 * extension's dialling class and its limit of outside calls; emergency numbers are never refused. A
 * transfer (or three-way dial-out) is checked against the transferring extension's class, limit and
 * external number, whoever the transferred caller is.
 */
export default definePlugin({
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Outbound routes: dial patterns to SIP trunks, with dialling classes and emergency numbers',
  configSchema,
  async route(call, api): Promise<RoutingDecision> {
    const transfer = call.caller.transferredBy;
    // A transfer or three-way dial-out goes out on its maker's authority (Asterisk applies the
    // transferor's context): a caller from outside transferred by an internal-only extension stays in.
    const caller = transfer ? transfer.extension : call.caller.extension;
    if (caller === undefined && !transfer) return PASS; // inbound trunk calls are not routed back out here
    const { config } = api;
    const anonymous = call.destination.startsWith(config.anonymousPrefix);
    const dialled = anonymous ? call.destination.slice(config.anonymousPrefix.length) : call.destination;
    if (dialled === '' || (await isInternal(dialled, api))) return PASS;
    const emergency = config.emergencyNumbers.includes(dialled);
    const outbound = outboundNumber(dialled, config);
    if (outbound.kind === 'not-a-number') {
      api.log.info('outbound number not valid', { callId: call.callId, dialled, reason: outbound.reason });
      return { steps: [{ type: 'reject', status: 484, reason: 'Address Incomplete' }] };
    }
    const ext = caller === undefined ? undefined : await api.extensions.get(caller);
    if (outbound.kind === 'no-route') {
      if (!emergency) return PASS; // not ours to route: the caller gets 404
      const trunks = emergencyTrunks(config);
      if (trunks.length === 0) return refuse(api, call, 'no trunk for an emergency call', 503);
      return planOf({
        trunks,
        number: dialled,
        ringTimeoutSeconds: EMERGENCY_RING_SECONDS,
        callerIdNumber: ext?.externalNumber,
        anonymous: false,
        emergency: true,
      });
    }
    if (!outbound.emergency) {
      const refusal = await tollFraudCheck(ext, outbound.needs ?? 'international', api, call);
      if (refusal) return refusal;
    }
    const { route } = outbound;
    return planOf({
      trunks: route.trunks,
      number: outbound.number,
      ringTimeoutSeconds: route.ringTimeoutSeconds,
      // Caller ID: the extension's own external number, else the route's, else the trunk's default.
      callerIdNumber: ext?.externalNumber ?? route.callerIdNumber,
      // An emergency call always shows who calls (the emergency service needs the number).
      anonymous: anonymous && !outbound.emergency,
      emergency: outbound.emergency,
    });
  },
});

async function isInternal(number: string, api: PluginApi<OutboundRoutesConfig>): Promise<boolean> {
  if (!/^[0-9*#+]{1,32}$/.test(number)) return false;
  const [ext, group] = await Promise.all([api.extensions.get(number), api.directory.ringGroup(number)]);
  return ext !== undefined || group !== undefined;
}

/** The extension's class and outside-call limit; undefined when the call may go out. */
async function tollFraudCheck(
  ext: ExtensionInfo | undefined,
  needs: NonNullable<Parameters<typeof classAllows>[1]>,
  api: PluginApi<OutboundRoutesConfig>,
  call: CallContext,
): Promise<RoutingDecision | undefined> {
  if (!ext?.enabled) {
    const who = call.caller.transferredBy
      ? 'transferring party not one of our extensions'
      : 'caller extension';
    return refuse(api, call, `${who} unknown or disabled`, 403);
  }
  if (!classAllows(ext.dialClass, needs)) {
    return refuse(api, call, `dialling class ${ext.dialClass} does not allow ${needs} numbers`, 403);
  }
  if (ext.maxExternalCalls > 0 && (await api.calls.activeExternalCount(ext.number)) >= ext.maxExternalCalls) {
    return refuse(api, call, `outside call limit of ${ext.maxExternalCalls} reached`, 403);
  }
  return undefined;
}

/** A refused outside call: 403 to the caller and a warning line (the audit trail of toll-fraud attempts). */
function refuse(
  api: PluginApi<OutboundRoutesConfig>,
  call: CallContext,
  why: string,
  status: 403 | 503,
): RoutingDecision {
  api.log.warn('outbound call refused', {
    callId: call.callId,
    extension: call.caller.extension,
    ...(call.caller.transferredBy
      ? { transferredBy: call.caller.transferredBy.extension ?? call.caller.transferredBy.uri }
      : {}),
    destination: call.destination,
    why,
  });
  return {
    steps: [{ type: 'reject', status, reason: status === 403 ? 'Forbidden' : 'Service Unavailable' }],
  };
}

/** One sequential step over the trunks; `failover: 'carrier'` moves on only when a trunk failed. */
function planOf(d: Dialout): RoutingPlanInput {
  return {
    steps: [
      {
        type: 'dial',
        mode: 'sequential',
        failover: 'carrier',
        ringTimeoutSeconds: d.ringTimeoutSeconds,
        targets: d.trunks.map((trunk) => ({
          kind: 'trunk' as const,
          trunk,
          number: d.number,
          ...(d.callerIdNumber === undefined ? {} : { callerIdNumber: d.callerIdNumber }),
          ...(d.anonymous ? { anonymous: true } : {}),
          ...(d.emergency ? { emergency: true } : {}),
        })),
      },
    ],
  };
}
