import { EventEmitter } from 'node:events';
import type { Logger } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { UnhandledRejectionMonitor } from '../src/unhandled-rejections.js';

describe('unhandled promise rejections (issue #16 item 6)', () => {
  it('are logged with context and counted, and the listener goes away on uninstall', () => {
    const logged: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const logger = {
      error: (obj: Record<string, unknown>, msg: string) => logged.push({ obj, msg }),
    } as unknown as Logger;
    const proc = new EventEmitter();
    const monitor = new UnhandledRejectionMonitor();
    monitor.install(proc, logger, { role: 'signalling' });
    const withCall = Object.assign(new Error('no TLS listener'), { callId: 'abc@host' });
    proc.emit('unhandledRejection', withCall, Promise.resolve());
    proc.emit('unhandledRejection', 'a string', Promise.resolve());
    expect(monitor.count).toBe(2);
    expect(logged[0]?.obj).toMatchObject({
      role: 'signalling',
      err: withCall,
      callId: 'abc@host',
      unhandledRejections: 1,
    });
    expect(logged[0]?.msg).toContain('unhandled promise rejection');
    expect(String(logged[1]?.obj['err'])).toContain('non-error rejection: a string');
    monitor.uninstall();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
    proc.emit('unhandledRejection', new Error('later'), Promise.resolve());
    expect(monitor.count).toBe(2);
  });
});
