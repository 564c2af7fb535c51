import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@switchboard/config';
import type { Clock, TimerHandle } from '@switchboard/transactions';
import { LOGGER, SIP_CLOCK } from '../tokens.js';
import { RegistrationBindingStore } from './registration-binding.store.js';

/** How often expired registrations are pruned from sb:regs (hashes expire by themselves). */
export const SWEEP_INTERVAL_MS = 30_000;

/** Keeps `sb:regs` free of AORs whose bindings all expired (the admin's live view reads it). */
@Injectable()
export class RegistrationSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    @Inject(RegistrationBindingStore) private readonly store: RegistrationBindingStore,
    @Inject(SIP_CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.schedule(SWEEP_INTERVAL_MS, () => {
      this.store
        .sweepExpired()
        .catch((err: unknown) => this.logger.warn({ err }, 'registration sweep failed'))
        .finally(() => this.schedule());
    });
  }
}
