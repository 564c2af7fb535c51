import { isLooseRouter, requestUriFrom, routeUri } from './route-value.js';

export interface RequestTarget {
  requestUri: string;
  /** Route header values in order. */
  route: string[];
  /**
   * The URI whose address the request is sent to (§8.1.2): the first route when it is a loose router,
   * else the Request-URI (the remote target, or the strict router).
   */
  nextHop: string;
}

/**
 * Request-URI and Route set for a request within a dialog, RFC 3261 §12.2.1.1:
 * no route set → the remote target; a loose first hop (`;lr`) → the remote target with the whole
 * route set as Route; a strict first hop → that hop as Request-URI, the rest of the route set
 * followed by the remote target as Route (RFC 2543 strict routing).
 */
export function resolveRequestTarget(remoteTarget: string, routeSet: readonly string[]): RequestTarget {
  const first = routeSet[0];
  if (first === undefined) return { requestUri: remoteTarget, route: [], nextHop: remoteTarget };
  const hop = routeUri(first);
  if (isLooseRouter(hop)) return { requestUri: remoteTarget, route: [...routeSet], nextHop: hop };
  const requestUri = requestUriFrom(hop);
  return { requestUri, route: [...routeSet.slice(1), `<${remoteTarget}>`], nextHop: requestUri };
}
