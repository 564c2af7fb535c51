import {
  routeUri,
  sipRequestFromOutgoing,
  type Dialog,
  type HeaderField,
  type OutgoingRequest,
  incomingResponseFromSip,
} from '@switchboard/dialog';
import type { SipMessage } from '@switchboard/sip';
import type { ClientTransactionHandlers, ResolvedTarget, ServerTransaction } from '@switchboard/transactions';
import type { CallSipPort } from '../call-sip-port.js';
import { resolveUriDestination, uriDestination } from './leg-destination.js';
import type { TrunkDigest } from './trunk-digest.js';

/**
 * Whether a peer is reached at the Contact it wrote: the URI names (IP literal, port, transport) the
 * very address its messages came from. Otherwise it is behind NAT: its view of its address is private.
 */
export function reachableAtContact(contact: string, flow: ResolvedTarget): boolean {
  const at = uriDestination(contact);
  return (
    at !== undefined &&
    at.host.toLowerCase() === flow.host.toLowerCase() &&
    at.port === flow.port &&
    at.protocol === flow.protocol
  );
}

/**
 * Whether a peer whose messages come over `flow` is to be reached on that flow rather than at its
 * Contact: it is behind NAT (RFC 3581 §4: the received/rport address), or it opened the connection
 * (TCP, TLS, WebSocket). A phone's Contact on a connection names a listening port it may not serve,
 * or a name nobody can connect to (`*.invalid`, RFC 7118 §5.2), and may change with each target
 * refresh; the connection stays the way to reach it (RFC 5626 §5.3, RFC 5923).
 */
export function reachedOnFlow(contact: string | undefined, flow: ResolvedTarget): boolean {
  return flow.protocol !== 'UDP' || contact === undefined || !reachableAtContact(contact, flow);
}

/**
 * Where the requests of one leg's dialog go (BYE, re-INVITE, UPDATE, INFO, ACK for 2xx): the dialog
 * decides the Request-URI, Route and next hop (RFC 3261 §12.2.1.1, §8.1.2): the first route when it
 * is a loose router, else the Request-URI (the remote target, or a strict router), found by RFC 3263.
 * The one exception is a pinned peer (behind NAT, or on a connection it opened): with no route set
 * its requests go where its messages come from, the received/rport address or the connection, and
 * that follows the source of each request it sends in the dialog. A name that resolves to nothing
 * fails the request like a transport error (§8.1.3.1).
 */
export class InDialogRoute {
  private readonly resolved = new Map<string, ResolvedTarget>();
  private readonly resolving = new Map<string, Promise<ResolvedTarget | undefined>>();

  constructor(
    private readonly port: CallSipPort,
    /** Where the peer's dialog-creating message came from, or where we reached it. */
    private flow: ResolvedTarget,
    /** True when the peer is reached on `flow` rather than at its remote target (see reachedOnFlow). */
    readonly pinned: boolean,
    /** A trunk leg's credentials: a provider's 401/407 to our in-dialog requests is answered once. */
    private readonly digest?: TrunkDigest,
  ) {}

  /**
   * Credentials answering a challenge to `request` (RFC 3261 §22.2), to send it again with the next
   * CSeq; undefined when this peer is not a trunk, the response is no challenge, or `request`
   * already carried credentials (a second challenge is a refusal).
   */
  credentialsFor(request: OutgoingRequest, response: SipMessage): HeaderField[] | undefined {
    if (!this.digest || response.kind !== 'response') return undefined;
    if (request.headers.some((h) => /^(proxy-)?authorization$/i.test(h.name))) return undefined;
    return this.digest.answer(response, { method: request.method, uri: request.requestUri });
  }

  /** The peer's address as we know it (where it sent from, or where we reach it). */
  get peerHost(): string {
    return this.flow.host;
  }

  /** The peer sent a request in the dialog from `source`: a pinned peer is reached there from now on. */
  heardFrom(source: ResolvedTarget): void {
    if (this.pinned) this.flow = source;
  }

  /** Sends a request built by the dialog; no destination (or no transport for it) → `onTransportError`. */
  send(request: OutgoingRequest, handlers: ClientTransactionHandlers<SipMessage>): void {
    const fail = (err: unknown): void =>
      handlers.onTransportError?.(err instanceof Error ? err : new Error(String(err)));
    const go = (target: ResolvedTarget | undefined): void => {
      if (!target) throw new Error(`no destination for ${request.requestUri}`);
      this.port.sendRequest(sipRequestFromOutgoing(request), target, handlers);
    };
    const target = this.destinationOf(request);
    if (target instanceof Promise) {
      void target.then(go).catch(fail);
      return;
    }
    try {
      go(target);
    } catch (err) {
      fail(err);
    }
  }

  /** Sends an ACK for a 2xx (§13.2.2.4: routed like any request of the dialog). */
  sendAck(ack: OutgoingRequest): Promise<void> {
    const go = (target: ResolvedTarget | undefined): Promise<void> => {
      if (!target) return Promise.reject(new Error(`no destination for ${ack.requestUri}`));
      try {
        return this.port.sendAck(sipRequestFromOutgoing(ack), target);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    const target = this.destinationOf(ack);
    return target instanceof Promise ? target.then(go) : go(target);
  }

  /**
   * The destination: known at once when it needs no DNS (so requests keep their order and are
   * counted where they are sent, e.g. BYEs at shutdown), else a promise of RFC 3263's first target.
   */
  private destinationOf(request: OutgoingRequest): ResolvedTarget | Promise<ResolvedTarget | undefined> {
    const first = request.route[0];
    if (first === undefined && this.pinned) return this.flow;
    const hop = request.nextHop ?? (first === undefined ? request.requestUri : routeUri(first));
    const known = this.resolved.get(hop) ?? uriDestination(hop);
    if (known) return known;
    let pending = this.resolving.get(hop);
    if (!pending) {
      pending = resolveUriDestination(this.port, hop)
        .catch(() => undefined)
        .then((target) => {
          this.resolving.delete(hop);
          if (target) this.resolved.set(hop, target);
          return target;
        });
      this.resolving.set(hop, pending);
    }
    return pending;
  }
}

/** Where a request came from (source address and transport): a pinned peer is reached there. */
export function flowOf(tx: ServerTransaction<SipMessage>): ResolvedTarget {
  const { source, transport } = tx.origin;
  return { host: source.host, port: source.port, protocol: transport.protocol };
}

/**
 * Ends `dialog` with BYE through `route`; a BYE that cannot be built or sent ends it locally (§15).
 * `headers`: e.g. a Reason (RFC 3326). A trunk's challenge to it is answered once (a new BYE with
 * the next CSeq and credentials).
 */
export function sendBye(route: InDialogRoute, dialog: Dialog, headers: HeaderField[] = []): void {
  if (dialog.state === 'terminated') return;
  let bye: OutgoingRequest;
  try {
    bye = dialog.createRequest('BYE', headers.length > 0 ? { headers } : {});
  } catch {
    dialog.terminate('local');
    return;
  }
  route.send(bye, {
    onResponse: (res) => {
      if (res.kind !== 'response' || res.status < 200) return;
      const auth = route.credentialsFor(bye, res);
      if (auth) return sendBye(route, dialog, auth);
      dialog.responseReceived(bye, incomingResponseFromSip(res));
    },
    onTimeout: () => dialog.requestFailed(bye),
    onTransportError: () => dialog.requestFailed(bye),
  });
}
