import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { RegistrationBinding } from '@switchboard/live-state';
import type { FlowPin } from '@switchboard/transactions';
import { SipStackService } from '../sip/sip-stack.service.js';
import { CONFIG, LOGGER } from '../tokens.js';
import { localFlowOf } from './binding-flows.js';
import { NODE_ID } from './node-id.js';
import { RegistrationBindingStore } from './registration-binding.store.js';

/**
 * Ties registrations to the connections (flows) they came on, in this process (RFC 5626 §5.3):
 * a flow carrying a live binding is pinned open for the binding's lifetime (the transport's idle
 * timeout passes it by), and when a flow closes its bindings are removed, so calls never fork to
 * a phone's dead connection.
 */
@Injectable()
export class RegistrationFlowsService implements OnModuleInit {
  /** flow id → AORs with a binding on it. */
  private readonly aorsByFlow = new Map<string, Set<string>>();
  /** AOR → flows pinned for it. */
  private readonly flowsByAor = new Map<string, Set<string>>();

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SipStackService) private readonly stack: SipStackService,
    @Inject(RegistrationBindingStore) private readonly store: RegistrationBindingStore,
  ) {}

  onModuleInit(): void {
    this.stack.onFlowClosed((flowId) => this.flowClosed(flowId));
  }

  /** After a change left `bindings` for `aor`: pin the flows they use, release the others. */
  sync(aor: string, bindings: readonly RegistrationBinding[], now = Date.now()): void {
    const wanted = this.pinsOf(bindings, now);
    const before = this.flowsByAor.get(aor) ?? new Set<string>();
    for (const flowId of before) {
      if (wanted.has(flowId)) continue;
      this.stack.pinFlow(flowId, aor, undefined);
      this.unindex(flowId, aor);
    }
    for (const [flowId, pin] of wanted) {
      const state = this.stack.pinFlow(flowId, aor, pin);
      if (state === 'pinned') this.index(flowId, aor);
      // The connection closed while the REGISTER was being stored: forget its binding now.
      else if (state === 'closed') this.drop(aor, flowId);
    }
  }

  /** Per flow of ours: the latest expiry of its bindings, and a liveness limit when outbound is used. */
  private pinsOf(bindings: readonly RegistrationBinding[], now: number): Map<string, FlowPin> {
    const flowTimer = this.config.registrar.flowTimer;
    const pins = new Map<string, FlowPin>();
    for (const b of bindings) {
      const flowId = localFlowOf(b);
      if (flowId === undefined || b.expiresAt <= now) continue;
      const seen = pins.get(flowId);
      // RFC 5626 §4.4.1: a phone told Flow-Timer sends keep-alives that often; one missed is allowed.
      const silence = b.regId !== undefined && flowTimer > 0 ? 2 * flowTimer * 1000 : undefined;
      const maxSilenceMs = silence ?? seen?.maxSilenceMs;
      pins.set(flowId, {
        forMs: Math.max(b.expiresAt - now, seen?.forMs ?? 0),
        ...(maxSilenceMs === undefined ? {} : { maxSilenceMs }),
      });
    }
    return pins;
  }

  private flowClosed(flowId: string): void {
    const aors = this.aorsByFlow.get(flowId);
    if (!aors) return;
    for (const aor of [...aors]) this.drop(aor, flowId);
  }

  private drop(aor: string, flowId: string): void {
    this.unindex(flowId, aor);
    this.store
      .dropFlow(aor, NODE_ID, flowId)
      .then((left) => {
        this.logger.info(
          { aor, flowId, left: left.length },
          'registration flow closed: its bindings removed',
        );
        this.sync(aor, left);
      })
      .catch((err: unknown) =>
        this.logger.warn({ err, aor, flowId }, 'could not remove the bindings of a closed flow'),
      );
  }

  private index(flowId: string, aor: string): void {
    let aors = this.aorsByFlow.get(flowId);
    if (!aors) this.aorsByFlow.set(flowId, (aors = new Set()));
    aors.add(aor);
    let flows = this.flowsByAor.get(aor);
    if (!flows) this.flowsByAor.set(aor, (flows = new Set()));
    flows.add(flowId);
  }

  private unindex(flowId: string, aor: string): void {
    const aors = this.aorsByFlow.get(flowId);
    aors?.delete(aor);
    if (aors?.size === 0) this.aorsByFlow.delete(flowId);
    const flows = this.flowsByAor.get(aor);
    flows?.delete(flowId);
    if (flows?.size === 0) this.flowsByAor.delete(aor);
  }
}
