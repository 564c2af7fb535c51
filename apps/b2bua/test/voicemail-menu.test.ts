import type { PromptId } from '@switchboard/media';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { DepositResult } from '../src/voicemail/deposit-recorder.js';
import { DigitBuffer } from '../src/voicemail/digit-buffer.js';
import { MailboxMenu, type MenuIo, type MenuStore, type Utterance } from '../src/voicemail/mailbox-menu.js';
import type { MailboxInfo, StoredMessage } from '../src/voicemail/voicemail-box.repository.js';

const box: MailboxInfo = {
  boxId: 'box-1',
  mailbox: '201',
  enabled: true,
  extensionEnabled: true,
  greetingPath: null,
  maxMessageSeconds: 180,
  maxMessages: 100,
  messageCount: 2,
  pinHash: 'hash-of-1234',
};

function message(id: string, heard = false): StoredMessage {
  return { id, wavPath: `voicemail/201/${id}.wav`, callerNumber: '100', createdAt: new Date(0), heard };
}

/**
 * A scripted caller: `keys` lists what the caller presses after each prompt sequence finishes
 * (one entry per `play` call; '' = nothing). Everything runs on a FakeClock, no sockets.
 */
function harness(options: {
  keys: string[];
  messages?: StoredMessage[];
  box?: MailboxInfo | undefined;
  locked?: boolean;
  greeting?: DepositResult;
}) {
  const clock = new FakeClock();
  const digits = new DigitBuffer(clock);
  const said: string[] = [];
  const events: string[] = [];
  let messages = options.messages ?? [message('new-1'), message('new-2')];
  const io: MenuIo = {
    digits,
    play: (parts: readonly Utterance[]) => {
      if (digits.pending) return Promise.resolve(); // barge-in: typed-ahead keys skip the prompt
      said.push(parts.map((p) => (typeof p === 'string' ? p : `audio(${p.length})`)).join('+'));
      const next = options.keys.shift();
      for (const k of next ?? '') digits.push(k);
      return Promise.resolve();
    },
    recordGreeting: () => {
      events.push('record-greeting');
      return Promise.resolve(
        options.greeting ?? { reason: 'dtmf', samples: new Int16Array(16_000), durationMs: 2000 },
      );
    },
  };
  const store: MenuStore = {
    findBox: (m) => Promise.resolve(m === '201' ? ('box' in options ? options.box : box) : undefined),
    verifyPin: (hash, pin) => Promise.resolve(hash === 'hash-of-1234' && pin === '1234'),
    isLocked: () => Promise.resolve(options.locked ?? false),
    pinFailed: (m) => {
      events.push(`pin-failed ${m}`);
      return Promise.resolve();
    },
    messages: () => Promise.resolve(messages),
    audio: (m) => Promise.resolve(new Int16Array(m.id.length)),
    markHeard: (_b, m) => {
      events.push(`heard ${m.id}`);
      messages = messages.map((x) => (x.id === m.id ? { ...x, heard: true } : x));
      return Promise.resolve();
    },
    deleteMessage: (_b, m) => {
      events.push(`deleted ${m.id}`);
      messages = messages.filter((x) => x.id !== m.id);
      return Promise.resolve();
    },
    saveGreeting: (_b, samples) => {
      events.push(`greeting ${samples.length}`);
      return Promise.resolve();
    },
  };
  const menu = new MailboxMenu(io, store, { inputTimeoutMs: 5000, maxPinAttempts: 3, minGreetingMs: 1000 });
  /** Runs the menu, advancing the fake clock while it waits for keys. */
  const run = async (mailbox: string | undefined) => {
    let done = false;
    const result = menu.run(mailbox).finally(() => (done = true));
    for (let i = 0; i < 200 && !done; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1000);
    }
    return result;
  };
  return { run, said, events, menu, digits, clock };
}

const prompt = (...ids: PromptId[]) => ids.join('+');

describe('MailboxMenu (pure flow, fake clock)', () => {
  it('PIN, count, newest-first messages with 9 keep and 7 delete, main menu, goodbye', async () => {
    const t = harness({ keys: ['1234#', '', '9', '', '7', '', '', '#', ''] });
    await expect(t.run('201')).resolves.toBe('done');
    expect(t.said).toEqual([
      prompt('enter-pin'),
      prompt('you-have', 'number-2', 'new-messages'),
      'audio(5)+message-menu',
      prompt('message-saved'),
      'audio(5)+message-menu',
      prompt('message-deleted'),
      prompt('no-more-messages'),
      prompt('main-menu'),
      prompt('goodbye'),
    ]);
    expect(t.events).toEqual(['heard new-1', 'deleted new-2']);
    expect(t.menu.actions).toEqual([
      { id: 'new-1', action: 'kept' },
      { id: 'new-2', action: 'deleted' },
    ]);
  });

  it('1 repeats the message; 0 records a greeting (too short ones are not saved)', async () => {
    const t = harness({
      keys: ['1234#', '', '1', '0', '', '9', '', '', '#', ''],
      messages: [message('only')],
    });
    await t.run('201');
    expect(t.said.filter((s) => s.startsWith('audio'))).toHaveLength(3);
    expect(t.events).toEqual(['record-greeting', 'greeting 16000', 'heard only']);
    expect(t.said).toContain(prompt('greeting-saved'));

    const short = harness({
      keys: ['1234#', '', '0', '#', ''],
      messages: [],
      greeting: { reason: 'dtmf', samples: new Int16Array(800), durationMs: 100 },
    });
    await short.run('201');
    expect(short.events).toEqual(['record-greeting']);
    expect(short.said).not.toContain(prompt('greeting-saved'));
  });

  it('keys typed ahead skip the prompts and still apply in order', async () => {
    const t = harness({ keys: ['1234#97#', ''] });
    await expect(t.run('201')).resolves.toBe('done');
    expect(t.events).toEqual(['heard new-1', 'deleted new-2']);
    expect(t.said).toEqual([prompt('enter-pin'), prompt('goodbye')]);
  });

  it('three wrong PINs: each counted, wrong-pin twice, then too-many-attempts and goodbye', async () => {
    const t = harness({ keys: ['1111#', '', '2222#', '', '3333#', '', ''] });
    await expect(t.run('201')).resolves.toBe('pin-failed');
    expect(t.events).toEqual(['pin-failed 201', 'pin-failed 201', 'pin-failed 201']);
    expect(t.said).toEqual([
      prompt('enter-pin'),
      prompt('wrong-pin'),
      prompt('enter-pin'),
      prompt('wrong-pin'),
      prompt('enter-pin'),
      prompt('too-many-attempts'),
      prompt('goodbye'),
    ]);
  });

  it('*98: asks the mailbox first; an unknown mailbox fails like a wrong PIN (no enumeration)', async () => {
    const t = harness({ keys: ['999#', '1234#', '', '1234#', '', '1234#', '', ''] });
    await expect(t.run(undefined)).resolves.toBe('pin-failed');
    expect(t.said[0]).toBe(prompt('enter-mailbox'));
    expect(t.events).toEqual(['pin-failed 999', 'pin-failed 999', 'pin-failed 999']);
  });

  it('a box without PIN or disabled cannot be opened; a locked source is refused at once', async () => {
    const noPin = harness({
      keys: ['1234#', '', '1234#', '', '1234#', '', ''],
      box: { ...box, pinHash: null },
    });
    await expect(noPin.run('201')).resolves.toBe('pin-failed');
    const disabled = harness({
      keys: ['1234#', '', '1234#', '', '1234#', '', ''],
      box: { ...box, enabled: false },
    });
    await expect(disabled.run('201')).resolves.toBe('pin-failed');
    const locked = harness({ keys: [''], locked: true });
    await expect(locked.run('201')).resolves.toBe('locked');
    expect(locked.said).toEqual([prompt('too-many-attempts'), prompt('goodbye')]);
  });

  it('no keys at all: the PIN is asked three times, then goodbye (timeouts are not counted as guesses)', async () => {
    const t = harness({ keys: [] });
    await expect(t.run('201')).resolves.toBe('pin-failed');
    expect(t.events).toEqual([]);
    expect(t.said.filter((s) => s === 'enter-pin')).toHaveLength(3);
  });

  it('the caller hanging up ends the menu wherever it waits', async () => {
    const t = harness({ keys: ['1234#'] });
    const result = t.menu.run('201');
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    t.digits.close();
    await expect(result).resolves.toBe('caller-hung-up');
  });
});

describe('DigitBuffer', () => {
  it('collects up to #, times out between keys on the clock, type-ahead first', async () => {
    const clock = new FakeClock();
    const d = new DigitBuffer(clock);
    d.push('1');
    d.push('2');
    const entry = d.collect(8, 3000);
    d.push('#');
    await expect(entry).resolves.toBe('12');
    const partial = d.collect(8, 3000);
    d.push('4');
    await new Promise((r) => setImmediate(r));
    clock.advance(3000);
    await expect(partial).resolves.toBe('4');
    const none = d.collect(8, 3000);
    clock.advance(3000);
    await expect(none).resolves.toBeUndefined();
    const max = d.collect(2, 3000);
    d.push('5');
    d.push('6');
    await expect(max).resolves.toBe('56');
    expect(clock.pending()).toBe(0);
    d.push('7');
    expect(d.take()).toBe('7');
    d.close();
    await expect(d.next(1000)).resolves.toBeUndefined();
  });
});
