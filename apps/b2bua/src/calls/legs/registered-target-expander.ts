import type { DialTarget } from '@switchboard/plugin-sdk';
import { parseUri } from '@switchboard/sip';
import type { RegistrationRepository } from '../../repositories/registration.repository.js';
import type { CallSipPort } from '../call-sip-port.js';
import type { BranchSpec, TargetExpander } from '../plan/branch-types.js';
import { bindingDestination, uriDestination } from './leg-destination.js';

/**
 * Plan targets → branches: an extension or AOR forks to every live registered contact (sent to
 * where the REGISTER came from), a URI goes where RFC 3263 says (numeric hosts need no DNS).
 */
export class RegisteredTargetExpander implements TargetExpander {
  constructor(
    private readonly registrations: RegistrationRepository,
    private readonly port: CallSipPort,
  ) {}

  async expand(target: DialTarget): Promise<readonly BranchSpec[]> {
    if (target.kind === 'uri') return this.expandUri(target.uri);
    const key = target.kind === 'extension' ? target.extension : target.aor;
    const bindings = await this.registrations.bindings(key);
    const specs: BranchSpec[] = [];
    for (const b of bindings) {
      const destination = bindingDestination(b);
      if (destination) specs.push({ targetKey: key, uri: b.contact, destination });
    }
    return specs;
  }

  private async expandUri(uri: string): Promise<BranchSpec[]> {
    const direct = uriDestination(uri);
    if (direct) return [{ targetKey: uri, uri, destination: direct }];
    try {
      const parsed = parseUri(uri);
      if (parsed.kind !== 'sip') return [];
      const transport = parsed.params.get('transport') ?? undefined;
      const [first] = await this.port.resolve({
        host: parsed.host,
        ...(parsed.port === undefined ? {} : { port: parsed.port }),
        ...(transport ? { transport } : {}),
        secure: parsed.scheme === 'sips',
      });
      return first ? [{ targetKey: uri, uri, destination: first }] : [];
    } catch {
      return [];
    }
  }
}
