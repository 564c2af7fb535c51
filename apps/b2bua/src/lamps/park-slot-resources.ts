import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { SwitchboardConfig } from '@switchboard/config';
import { parkSlotOf } from '../calls/park/park-lot.js';
import { CONFIG } from '../tokens.js';
import { WatchableResources } from './watchable-resources.js';

/**
 * Park slots (SWITCHBOARD_PARK_SLOTS) are watchable with the dialog and presence packages, whichever
 * process holds the parked call: the slot's dialog is in Redis (`sb:ext-dialogs:<slot>`, written by
 * the parked call), so any signalling process answers the SUBSCRIBE and NOTIFYs its changes.
 */
@Injectable()
export class ParkSlotResources implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(WatchableResources) private readonly resources: WatchableResources,
  ) {}

  onModuleInit(): void {
    const { firstSlot, lastSlot } = this.config.calls.park;
    this.resources.register((resource) => parkSlotOf(resource, firstSlot, lastSlot) !== undefined);
  }
}
