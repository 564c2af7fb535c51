import type { DialTarget } from '@switchboard/plugin-sdk';
import { dialableBindings } from '../../registrar/binding-flows.js';
import type { RegistrationRepository } from '../../repositories/registration.repository.js';
import type { CallSipPort } from '../call-sip-port.js';
import type { LegMediaPolicy } from '../media/media-policy.js';
import type { BranchSpec, TargetExpander } from '../plan/branch-types.js';
import { reachedOnFlow } from './in-dialog-route.js';
import { bindingDestination, resolvePathDestination, resolveUriDestination } from './leg-destination.js';

/**
 * Plan targets → branches: an extension or AOR forks to every live, reachable registered contact
 * (sent to where the REGISTER came from, over its connection), a URI goes where RFC 3263 says (numeric hosts need no DNS).
 */
export class RegisteredTargetExpander implements TargetExpander {
  constructor(
    private readonly registrations: RegistrationRepository,
    private readonly port: CallSipPort,
    /** An extension's media policy, put on each of its branches (absent: the default policy). */
    private readonly mediaPolicy?: (extension: string) => Promise<LegMediaPolicy>,
    /** Trunk targets (absent: no trunks configured, such a target is unavailable). */
    private readonly trunks?: TargetExpander,
  ) {}

  async expand(target: DialTarget): Promise<readonly BranchSpec[]> {
    if (target.kind === 'uri') return this.expandUri(target.uri);
    if (target.kind === 'trunk') return this.trunks ? this.trunks.expand(target) : [];
    const key = target.kind === 'extension' ? target.extension : target.aor;
    const [stored, mediaPolicy] = await Promise.all([
      this.registrations.bindings(key),
      target.kind === 'extension' ? this.mediaPolicy?.(key) : undefined,
    ]);
    const bindings = dialableBindings(stored, this.port.isFlowOpen?.bind(this.port));
    const specs: BranchSpec[] = [];
    for (const b of bindings) {
      if (b.path) {
        const spec = await this.throughPath(key, b.contact, b.path);
        if (spec) specs.push({ ...spec, ...(mediaPolicy ? { mediaPolicy } : {}) });
        continue;
      }
      const destination = bindingDestination(b);
      if (!destination) continue;
      const flow = b.sourceAddress !== undefined && reachedOnFlow(b.contact, destination);
      specs.push({
        targetKey: key,
        uri: b.contact,
        destination,
        ...(flow ? { destinationIsFlow: true } : {}),
        ...(mediaPolicy ? { mediaPolicy } : {}),
      });
    }
    return specs;
  }

  /**
   * RFC 3327 §5.3: a contact registered through proxies is called through them — its Path as the
   * preloaded Route set, sent to the first Path hop, whichever signalling process holds the call.
   */
  private async throughPath(
    key: string,
    contact: string,
    path: readonly string[],
  ): Promise<BranchSpec | undefined> {
    try {
      const destination = await resolvePathDestination(this.port, path);
      return destination && { targetKey: key, uri: contact, destination, route: path };
    } catch {
      return undefined;
    }
  }

  private async expandUri(uri: string): Promise<BranchSpec[]> {
    try {
      const destination = await resolveUriDestination(this.port, uri);
      return destination ? [{ targetKey: uri, uri, destination }] : [];
    } catch {
      return [];
    }
  }
}
