import { dialogChangeSchema, type DialogChange } from '@switchboard/live-state';

/*
 * The wire form of `sb:dialog-changes`: one message per write batch (DialogStateStore), a JSON array
 * of DialogChange. A lone DialogChange object (one change per message, as before batching) is read too,
 * so a node of the older build can publish during a rolling upgrade.
 */

/** One change of the message, from the dialog's JSON text (stringified once, also stored in the hash). */
export function dialogChangeJson(resource: string, dialogJson: string): string {
  return `{"resource":${JSON.stringify(resource)},"dialog":${dialogJson}}`;
}

/** The message of a batch, from `dialogChangeJson` texts. */
export function dialogChangesMessage(changes: readonly string[]): string {
  return `[${changes.join(',')}]`;
}

export interface DecodedDialogChanges {
  /** The valid changes of the resources `wanted` accepted, in message order. */
  readonly changes: DialogChange[];
  /** Set when the text or one of its entries was unreadable (logged by the caller). */
  readonly malformed: boolean;
}

/**
 * The changes of a message for the resources `wanted` accepts (this process holds a subscription to
 * them). Only those are validated: most changes concern resources nobody here watches, and they cost
 * one JSON.parse of the message, nothing more.
 */
export function decodeDialogChanges(
  text: string,
  wanted: (resource: string) => boolean,
): DecodedDialogChanges {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { changes: [], malformed: true };
  }
  const entries: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const changes: DialogChange[] = [];
  let malformed = false;
  for (const entry of entries) {
    const resource = resourceOf(entry);
    if (resource === undefined) {
      malformed = true;
      continue;
    }
    if (!wanted(resource)) continue;
    const result = dialogChangeSchema.safeParse(entry);
    if (result.success) changes.push(result.data);
    else malformed = true;
  }
  return { changes, malformed };
}

function resourceOf(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || !('resource' in entry)) return undefined;
  const { resource } = entry;
  return typeof resource === 'string' ? resource : undefined;
}
