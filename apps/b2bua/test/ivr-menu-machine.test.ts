import type { RouteDestination } from '@switchboard/plugin-sdk';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { MenuMachine, type MenuChoice, type MenuSettings } from '../src/ivr/menu-machine.js';

const sales: RouteDestination = { kind: 'ring_group', target: '600' };
const support: RouteDestination = { kind: 'extension', target: '201' };
const timeoutTo: RouteDestination = { kind: 'voicemail', target: '201' };
const invalidTo: RouteDestination = { kind: 'extension', target: '200' };

const MENU: MenuSettings = {
  options: [
    { digit: '1', destination: sales },
    { digit: '2', destination: support },
  ],
  directDial: false,
  interDigitTimeoutMs: 2000,
  responseTimeoutMs: 5000,
  timeoutDestination: timeoutTo,
  invalidDestination: invalidTo,
  repeatCount: 2,
};

/** A machine on a fake clock whose greeting "plays" until `greetingEnded` is called. */
function machineFor(settings: Partial<MenuSettings> = {}, extensions: readonly string[] = []) {
  const clock = new FakeClock();
  const events: string[] = [];
  const chosen: MenuChoice[] = [];
  const m: MenuMachine = new MenuMachine({ ...MENU, ...settings }, clock, {
    play: (afterInvalid) => events.push(afterInvalid ? 'invalid+greeting' : 'greeting'),
    stopPlayback: () => events.push('stop'),
    checkExtension: (n) => {
      events.push(`check ${n}`);
      m.extensionChecked(n, extensions.includes(n));
    },
    chosen: (c) => chosen.push(c),
  });
  return { m, clock, events, chosen };
}

describe('auto-attendant menu machine (injected clock)', () => {
  it('a key during the greeting cuts it short and chooses its destination at once', () => {
    const { m, clock, events, chosen } = machineFor();
    m.start();
    m.key('1');
    expect(events).toEqual(['greeting', 'stop']);
    expect(chosen).toEqual([{ kind: 'option', key: '1', destination: sales }]);
    expect(clock.pending()).toBe(0);
    m.key('2'); // nothing after the choice
    expect(chosen).toHaveLength(1);
  });

  it('no key: the greeting is repeated repeatCount times, then the timeout destination', () => {
    const { m, clock, events, chosen } = machineFor();
    m.start();
    m.greetingEnded();
    clock.advance(4999);
    expect(events).toEqual(['greeting']);
    clock.advance(1);
    expect(events).toEqual(['greeting', 'greeting']);
    m.greetingEnded();
    clock.advance(5000);
    m.greetingEnded();
    expect(chosen).toEqual([]);
    clock.advance(5000);
    expect(events).toEqual(['greeting', 'greeting', 'greeting']);
    expect(chosen).toEqual([{ kind: 'timeout', destination: timeoutTo }]);
    expect(clock.pending()).toBe(0);
  });

  it('the response timeout only runs once the greeting has played out', () => {
    const { m, clock, chosen } = machineFor({ repeatCount: 0 });
    m.start();
    clock.advance(60_000);
    expect(chosen).toEqual([]);
    m.greetingEnded();
    clock.advance(5000);
    expect(chosen).toEqual([{ kind: 'timeout', destination: timeoutTo }]);
  });

  it('a wrong key plays the invalid tone and the greeting again; after the repeats the invalid destination', () => {
    const { m, events, chosen } = machineFor({ repeatCount: 1 });
    m.start();
    m.greetingEnded();
    m.key('9');
    expect(events).toEqual(['greeting', 'invalid+greeting']);
    m.key('*');
    expect(events).toEqual(['greeting', 'invalid+greeting', 'stop']);
    expect(chosen).toEqual([{ kind: 'invalid', input: '*', destination: invalidTo }]);
  });

  it('timeouts and wrong keys share the repeat count; a null destination is reported as such', () => {
    const { m, clock, chosen } = machineFor({ repeatCount: 1, timeoutDestination: null });
    m.start();
    m.greetingEnded();
    m.key('7'); // first miss: invalid
    m.greetingEnded();
    clock.advance(5000); // second miss: timeout, no repeats left
    expect(chosen).toEqual([{ kind: 'timeout', destination: null }]);
  });

  it('direct dial: keys gather until the inter-digit pause and a known extension is chosen', () => {
    const { m, clock, events, chosen } = machineFor({ directDial: true }, ['1001']);
    m.start();
    m.greetingEnded();
    for (const k of '1001') {
      m.key(k);
      clock.advance(1500);
    }
    expect(chosen).toEqual([]);
    clock.advance(500);
    expect(events).toContain('check 1001');
    expect(chosen).toEqual([{ kind: 'extension', number: '1001' }]);
  });

  it('direct dial: # ends the number at once; a single menu key still chooses its option after the pause', () => {
    const a = machineFor({ directDial: true }, ['205']);
    a.m.start();
    a.m.key('2');
    a.m.key('0');
    a.m.key('5');
    a.m.key('#');
    expect(a.chosen).toEqual([{ kind: 'extension', number: '205' }]);

    const b = machineFor({ directDial: true });
    b.m.start();
    b.m.greetingEnded();
    b.m.key('2');
    expect(b.chosen).toEqual([]);
    b.clock.advance(2000);
    expect(b.chosen).toEqual([{ kind: 'option', key: '2', destination: support }]);
  });

  it('direct dial of a number that is no extension counts as a wrong entry', () => {
    const { m, events, chosen } = machineFor({ directDial: true, repeatCount: 0 });
    m.start();
    m.key('4');
    m.key('4');
    m.key('#');
    expect(events).toContain('check 44');
    expect(chosen).toEqual([{ kind: 'invalid', input: '44', destination: invalidTo }]);
  });

  it('stop() leaves no timer behind and ignores later keys', () => {
    const { m, clock, chosen } = machineFor();
    m.start();
    m.greetingEnded();
    m.stop();
    expect(clock.pending()).toBe(0);
    m.key('1');
    clock.advance(10_000);
    expect(chosen).toEqual([]);
  });
});
