import {
  compileDialPattern,
  definePlugin,
  PASS,
  toE164,
  type RoutingDecision,
  type RoutingPlanInput,
} from '@switchboard/plugin-sdk';
import {
  configSchema,
  type DidRoute,
  type InboundDestination,
  type InboundRoutesConfig,
} from './inbound-routes-config.js';

export const PLUGIN_ID = 'inbound-routes';

/**
 * Inbound routes: a call that came in from a SIP trunk is routed by its DID (the number dialled on
 * the public network) to an extension, ring group, follow-me, voicemail box or any plan. An unknown
 * DID gets 404 (RFC 3261 §21.4.5) — a trunk call never falls through to the rest of the chain, so
 * a caller on the public network cannot reach numbers the office did not publish.
 */
export default definePlugin({
  id: PLUGIN_ID,
  version: '0.1.0',
  description: 'Inbound routes: a trunk call’s DID to an extension, ring group, follow-me, voicemail or plan',
  configSchema,
  route(call, api): RoutingDecision {
    const trunk = call.caller.trunk;
    if (trunk === undefined) return PASS; // an extension's call
    // A trunk caller being transferred: the transferor chose the destination, it is not a DID.
    if (call.caller.transferredBy) return PASS;
    // Our own reroute to the destination: the rest of the chain routes it now.
    if (call.history.some((h) => h.pluginId === PLUGIN_ID)) return PASS;
    const route = findRoute(call.destination, trunk, api.config);
    if (!route) {
      api.log.info('unknown DID', { callId: call.callId, trunk, did: call.destination });
      return { steps: [{ type: 'reject', status: 404, reason: 'Not Found' }] };
    }
    api.log.info('inbound call', {
      callId: call.callId,
      trunk,
      did: call.destination,
      to: route.destination,
    });
    return planFor(route.destination);
  },
});

/** The first route for this DID and trunk; a DID also matches in its E.164 form when `country` is set. */
export function findRoute(did: string, trunk: string, config: InboundRoutesConfig): DidRoute | undefined {
  const forms = new Set([did]);
  if (config.country !== undefined) {
    const e164 = toE164(did, config.country);
    if (e164 !== undefined) forms.add(e164);
  }
  return config.routes.find((r) => {
    if (r.trunk !== undefined && r.trunk !== trunk) return false;
    const pattern = compileDialPattern(r.did);
    if ([...forms].some((f) => pattern.matches(f))) return true;
    // A configured literal DID written nationally (030…) against one delivered in E.164.
    if (config.country === undefined || r.did.startsWith('_')) return false;
    const configured = toE164(r.did, config.country);
    return configured !== undefined && forms.has(configured);
  });
}

/** Extensions, groups, follow-me and other numbers are routed by the rest of the chain (reroute). */
function planFor(destination: InboundDestination): RoutingPlanInput {
  switch (destination.kind) {
    case 'extension':
    case 'follow-me':
      return { steps: [{ type: 'reroute', destination: destination.extension }] };
    case 'ring-group':
    case 'number':
      return { steps: [{ type: 'reroute', destination: destination.number }] };
    case 'voicemail':
      return { steps: [{ type: 'voicemail', mailbox: destination.mailbox }] };
    case 'plan':
      return destination.plan;
  }
}
