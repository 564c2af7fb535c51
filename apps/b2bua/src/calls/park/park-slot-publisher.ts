import type { ExtensionDialog, ParkedCall } from '@switchboard/live-state';
import type { DialogStateSink } from '../lamps/dialog-lamp.js';
import type { ParkSlotSink } from './park-slot.store.js';

type Ending = Pick<ExtensionDialog, 'event' | 'code'>;

export interface ParkSlotPublisherInit {
  readonly slots: ParkSlotSink | undefined;
  readonly lamps: DialogStateSink | undefined;
  readonly onError: (err: unknown) => void;
}

/**
 * What one parked call shows outside its process once it holds its slot (claimed in `sb:parked`,
 * which the admin Live page reads): the slot's busy lamp (RFC 4235): a park slot is a watchable resource whose one dialog is the parked
 * call — `confirmed` while it waits (recipient: the slot received it; remote: the parked party) and
 * `terminated` once retrieved, timed out or hung up. Soft state: a failed write is logged, never
 * touches the call.
 */
export class ParkSlotPublisher {
  private shown: { info: ParkedCall; dialog: ExtensionDialog } | undefined;

  constructor(private readonly init: ParkSlotPublisherInit) {}

  occupied(info: ParkedCall, parkedCallId: string, parkedUri: string): void {
    if (this.shown) return;
    const dialog: ExtensionDialog = {
      id: `${info.call}-park-${info.slot}`,
      callId: parkedCallId,
      state: 'confirmed',
      direction: 'recipient',
      remote: parkedUri,
      ...(info.parkedName ? { remoteName: info.parkedName } : {}),
      startedAt: info.since,
    };
    this.shown = { info, dialog };
    this.soft(this.init.lamps?.write(String(info.slot), dialog));
  }

  /** `ending`: RFC 4235 §4.1.2 event of the terminated state (none when retrieved). */
  vacated(ending: Ending = {}): void {
    const shown = this.shown;
    if (!shown) return;
    this.shown = undefined;
    this.soft(
      this.init.lamps?.write(String(shown.info.slot), { ...shown.dialog, state: 'terminated', ...ending }),
    );
    this.soft(this.init.slots?.vacated(shown.info.slot, shown.info.call));
  }

  private soft(p: Promise<void> | undefined): void {
    p?.catch(this.init.onError);
  }
}
