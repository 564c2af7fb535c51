import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function capture(): { out: PassThrough; lines: () => string[] } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { out, lines: () => text.split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes one JSON object per line by default', () => {
    const { out, lines } = capture();
    const logger = createLogger('b2bua-signalling', { logLevel: 'info' }, out);
    logger.info({ callId: 'a84b4c76e66710@pc33.example', status: 404 }, 'INVITE rejected');
    logger.debug('below the level');
    expect(lines()).toHaveLength(1);
    expect(JSON.parse(lines()[0] ?? '')).toMatchObject({
      level: 30,
      name: 'b2bua-signalling',
      pid: process.pid,
      callId: 'a84b4c76e66710@pc33.example',
      status: 404,
      msg: 'INVITE rejected',
    });
  });

  it('prints readable lines with SWITCHBOARD_LOG_FORMAT=pretty: time, level, name/pid, message, fields', () => {
    const { out, lines } = capture();
    const logger = createLogger('b2bua-signalling', { logLevel: 'info', logFormat: 'pretty' }, out);
    logger.info({ callId: 'a84b4c76e66710@pc33.example', status: 404 }, 'INVITE rejected');
    logger.warn('routing worker heartbeat failed');
    logger.debug('below the level');
    const [first, ...rest] = lines();
    expect(first).toMatch(
      new RegExp(
        `^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO \\(b2bua-signalling/${process.pid}\\): INVITE rejected$`,
      ),
    );
    expect(rest.slice(0, 2)).toEqual(['    callId: "a84b4c76e66710@pc33.example"', '    status: 404']);
    expect(rest[2]).toMatch(/\] WARN \(b2bua-signalling\/\d+\): routing worker heartbeat failed$/);
    expect(rest).toHaveLength(3);
    // Not a terminal: no colour codes, and no line is JSON.
    expect(lines().join('\n')).not.toContain('\u001b[');
    for (const line of lines()) expect(() => void JSON.parse(line)).toThrow();
  });
});
