import {
  classifyNumber,
  compileDialPattern,
  rewriteNumber,
  type DialClass,
  type NumberingSettings,
} from '@switchboard/plugin-sdk';
import type { OutboundRoute, OutboundRoutesConfig } from './outbound-routes-config.js';

/** A dialled number worked out against the routes: what goes to the trunks and what it needs. */
export type OutboundNumber =
  | {
      readonly kind: 'routed';
      readonly route: OutboundRoute;
      /** The number sent to the trunks (strip, format, prepend applied). */
      readonly number: string;
      /** The class an extension needs to dial it; undefined for an emergency number. */
      readonly needs: DialClass | undefined;
      readonly emergency: boolean;
    }
  | { readonly kind: 'no-route' }
  | { readonly kind: 'not-a-number'; readonly reason: string };

/**
 * The first route one of whose patterns matches the dialled number (FreePBX order: the admin's
 * route order, not pattern specificity), then: strip digits from the front, classify what is left
 * (the number the user meant, without an outside-line prefix), optionally turn it into E.164, and
 * prepend. A number the numbering plan does not know (service and premium numbers, typos) needs the
 * widest class, `international`: toll fraud aims at exactly those.
 */
export function outboundNumber(dialled: string, config: OutboundRoutesConfig): OutboundNumber {
  const country = config.country;
  if (country === undefined) return { kind: 'no-route' };
  const settings: NumberingSettings = {
    country,
    areaCode: config.areaCode,
    emergencyNumbers: config.emergencyNumbers,
  };
  const route = config.routes.find((r) => r.patterns.some((p) => compileDialPattern(p).matches(dialled)));
  if (!route) return { kind: 'no-route' };
  const stripped = rewriteNumber(dialled, route.strip, '');
  const classified = classifyNumber(stripped, settings);
  if (classified.class === 'emergency') {
    return { kind: 'routed', route, number: stripped, needs: undefined, emergency: true };
  }
  if (route.format === 'e164') {
    if (classified.class === 'invalid') return { kind: 'not-a-number', reason: classified.reason };
    return {
      kind: 'routed',
      route,
      number: rewriteNumber(classified.e164, 0, route.prepend),
      needs: classified.class,
      emergency: false,
    };
  }
  const needs: DialClass = classified.class === 'invalid' ? 'international' : classified.class;
  return {
    kind: 'routed',
    route,
    number: rewriteNumber(stripped, 0, route.prepend),
    needs,
    emergency: false,
  };
}

/** Trunks that may carry an emergency call no route matched: every route's, in route order. */
export function emergencyTrunks(config: OutboundRoutesConfig): string[] {
  return [...new Set(config.routes.flatMap((r) => r.trunks))];
}
