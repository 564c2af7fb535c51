import { isLooseRouter, requestUriFrom, routeUri } from './route-value.js';

export interface RequestTarget {
  requestUri: string;
  /** Route header values in order. */
  route: string[];
}

/**
 * Request-URI and Route set for a request within a dialog, RFC 3261 §12.2.1.1:
 * no route set → the remote target; a loose first hop (`;lr`) → the remote target with the whole
 * route set as Route; a strict first hop → that hop as Request-URI, the rest of the route set
 * followed by the remote target as Route (RFC 2543 strict routing).
 */
export function resolveRequestTarget(remoteTarget: string, routeSet: readonly string[]): RequestTarget {
  const first = routeSet[0];
  if (first === undefined) return { requestUri: remoteTarget, route: [] };
  if (isLooseRouter(routeUri(first))) return { requestUri: remoteTarget, route: [...routeSet] };
  return {
    requestUri: requestUriFrom(routeUri(first)),
    route: [...routeSet.slice(1), `<${remoteTarget}>`],
  };
}
