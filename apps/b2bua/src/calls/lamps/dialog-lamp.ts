import type { ExtensionDialog } from '@switchboard/live-state';

// Module constant: a regular expression literal in a function body is a new object per call.
const EXTENSION_KEY = /^[0-9*#+]+$/;

/** Where a call's dialog states go (the dialog event package's store); absent: no lamps. */
export interface DialogStateSink {
  write(resource: string, dialog: ExtensionDialog): Promise<void>;
}

type DialogState = ExtensionDialog['state'];
type Ending = Pick<ExtensionDialog, 'event' | 'code'>;

/** RFC 4235 §3.7.1: a dialog only moves forward (trying → proceeding → early → confirmed → terminated). */
const ORDER: Record<DialogState, number> = {
  trying: 0,
  proceeding: 1,
  early: 2,
  confirmed: 3,
  terminated: 4,
};

/**
 * One dialog of a watched extension in a call (the caller's phone as initiator, a rung phone as
 * recipient): remembers its state and writes each forward move once. Writes are soft state: a
 * failure goes to `onError` and never touches the call.
 */
export class DialogLamp {
  private dialog: ExtensionDialog;

  constructor(
    private readonly sink: DialogStateSink,
    readonly resource: string,
    init: Omit<ExtensionDialog, 'state'>,
    private readonly onError: (err: unknown) => void,
  ) {
    this.dialog = { ...init, state: 'trying' };
    this.write();
  }

  get state(): DialogState {
    return this.dialog.state;
  }

  /** `ids`: the dialog's Call-ID and tags once known (a recipient's come with its 1xx/2xx). */
  move(
    state: Exclude<DialogState, 'terminated'>,
    ids: Pick<ExtensionDialog, 'callId' | 'localTag' | 'remoteTag'> = {},
  ): void {
    if (ORDER[state] <= ORDER[this.dialog.state]) return;
    const dialog = { ...this.dialog, state };
    if (ids.callId !== undefined) dialog.callId = ids.callId;
    if (ids.localTag !== undefined) dialog.localTag = ids.localTag;
    if (ids.remoteTag !== undefined) dialog.remoteTag = ids.remoteTag;
    this.dialog = dialog;
    this.write();
  }

  terminate(ending: Ending = {}): void {
    if (this.dialog.state === 'terminated') return;
    this.dialog = { ...this.dialog, state: 'terminated', ...ending };
    this.write();
  }

  private write(): void {
    this.sink.write(this.resource, this.dialog).catch(this.onError);
  }
}

/** The extension a plan target key names (numbers and feature characters), else undefined. */
export function extensionKey(targetKey: string | undefined): string | undefined {
  return targetKey !== undefined && EXTENSION_KEY.test(targetKey) ? targetKey : undefined;
}
