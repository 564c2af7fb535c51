import {
  extensionDialogSchema,
  redisKeys,
  type DialogChange,
  type ExtensionDialog,
} from '@switchboard/live-state';
import type { Redis } from 'ioredis';

/**
 * A resource's dialogs outlive a crashed signalling process (nobody deletes them) for at most a day;
 * every write of the resource pushes this further.
 */
const DIALOGS_TTL_MS = 24 * 3600 * 1000;

/*
 * One write per change, in order: HSET (or HDEL once terminated) of the dialog, then PUBLISH of the
 * change, so that a subscriber reading the full state after the message never misses it.
 * KEYS: the resource's dialogs hash. ARGV: dialog id, dialog JSON, '1' when terminated, channel, message, TTL ms.
 */
const WRITE_SCRIPT = `
if ARGV[3] == '1' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/** The dialogs of watched resources in Redis (`sb:ext-dialogs:<resource>`), shared by every process. */
export class DialogStateStore {
  constructor(private readonly redis: Redis) {}

  async write(resource: string, dialog: ExtensionDialog): Promise<void> {
    const change: DialogChange = { resource, dialog };
    await this.redis.eval(
      WRITE_SCRIPT,
      1,
      redisKeys.extensionDialogs(resource),
      dialog.id,
      JSON.stringify(dialog),
      dialog.state === 'terminated' ? '1' : '0',
      redisKeys.dialogChanges,
      JSON.stringify(change),
      String(DIALOGS_TTL_MS),
    );
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
}

function safeParse(raw: string): ExtensionDialog | undefined {
  try {
    const result = extensionDialogSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
