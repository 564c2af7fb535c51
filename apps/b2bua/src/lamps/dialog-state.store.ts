import { extensionDialogSchema, redisKeys, type ExtensionDialog } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.js';
import { DialogWriteBatch } from './dialog-write-batch.js';

/**
 * A resource's dialogs outlive a crashed signalling process (nobody deletes them) for at most a day
 * after the resource's newest dialog began: each dialog's first write pushes this further, its later
 * states do not (a call's states follow its start within its ringing time; a call longer than a day
 * loses its lamp, as it did when every write pushed the TTL and the last one was the answer).
 */
const DIALOGS_TTL_MS = 24 * 3600 * 1000;

/*
 * One call per batch, in order: per change HSET (or HDEL once terminated) of the dialog, PEXPIRE of its
 * hash when the dialog is new there (HSET answers 1); then one PUBLISH of the batch, so that a
 * subscriber reading the full state after the message never misses a change.
 * KEYS: the hash of each change. ARGV: TTL ms, channel, message, then op, dialog id, JSON per change
 * (DialogWriteBatch.scriptArgs).
 */
const DIALOG_WRITE_SCRIPT = `
local ttl = ARGV[1]
for i = 1, #KEYS do
  local op, id = ARGV[3 * i + 1], ARGV[3 * i + 2]
  if op == 'd' then redis.call('HDEL', KEYS[i], id)
  elseif redis.call('HSET', KEYS[i], id, ARGV[3 * i + 3]) == 1 then redis.call('PEXPIRE', KEYS[i], ttl) end
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return #KEYS
`;

/** Sent by its SHA1 (EVALSHA), like the live-call and auth scripts. */
const DIALOG_WRITE = new LuaScript(DIALOG_WRITE_SCRIPT);

export interface DialogStateStoreOptions {
  /** Runs the batch's write once the current turn is over (tests pass their own). */
  readonly schedule?: (flush: () => void) => void;
}

/**
 * The dialogs of watched resources in Redis (`sb:ext-dialogs:<resource>`), shared by every process.
 * The changes of one event-loop turn (a call's caller and callee dialogs move together: both early
 * on the relayed 180, both confirmed on the 200, both terminated on the BYE) go out as one script
 * call and one `sb:dialog-changes` message, coalesced per dialog (DialogWriteBatch).
 */
export class DialogStateStore {
  private readonly schedule: (flush: () => void) => void;
  private batch: DialogWriteBatch | undefined;
  /** Settles when the current batch is written (every write of the batch shares it). */
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    options: DialogStateStoreOptions = {},
  ) {
    this.schedule = options.schedule ?? ((flush) => void setImmediate(flush));
  }

  /** Resolves once the change is in Redis and published; rejects when the batch's write failed. */
  write(resource: string, dialog: ExtensionDialog): Promise<void> {
    if (!this.batch) {
      const batch = new DialogWriteBatch();
      this.batch = batch;
      this.written = new Promise<void>((resolve) => this.schedule(() => resolve(this.flush(batch))));
    }
    this.batch.add(resource, dialog);
    return this.written;
  }

  /** The resource's current dialogs, oldest first; unreadable entries are skipped. */
  async dialogs(resource: string): Promise<ExtensionDialog[]> {
    const all = await this.redis.hgetall(redisKeys.extensionDialogs(resource));
    const out: ExtensionDialog[] = [];
    for (const raw of Object.values(all)) {
      const parsed = safeParse(raw);
      if (parsed) out.push(parsed);
    }
    return out.sort((a, b) => a.startedAt - b.startedAt);
  }

  private async flush(batch: DialogWriteBatch): Promise<void> {
    if (this.batch === batch) this.batch = undefined;
    const { keys, args } = batch.scriptArgs(DIALOGS_TTL_MS);
    await DIALOG_WRITE.run(this.redis, keys, args);
  }
}

function safeParse(raw: string): ExtensionDialog | undefined {
  try {
    const result = extensionDialogSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
