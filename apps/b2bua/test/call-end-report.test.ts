import { PassThrough } from 'node:stream';
import { createLogger } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { reportCallEnd } from '../src/calls/records/call-end-report.js';
import { CallTimeline } from '../src/calls/records/call-timeline.js';

/** The `call ended` line (info) of a call the PBX refused: its status, reason and SIP Call-ID. */
describe('call ended log line', () => {
  it('names the status, the cause and the SIP Call-ID of a rejected INVITE at info level', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const logger = createLogger('b2bua-signalling', { logLevel: 'info' }, out);
    reportCallEnd(
      { id: 'call-1', sipCallId: 'a84b4c76e66710@pc33.example', pluginId: '' },
      {
        callerUri: 'sip:100@pbx.test',
        callerExtension: '100',
        destination: '999',
        requestUri: 'sip:999@pbx.test',
      },
      new CallTimeline(() => 0, 1_700_000_000_000),
      { disposition: 'rejected', side: 'system', cause: 'Not Found', status: 404 },
      logger,
    );
    expect(JSON.parse(text.trim())).toMatchObject({
      level: 30,
      msg: 'call ended',
      sipCallId: 'a84b4c76e66710@pc33.example',
      disposition: 'rejected',
      status: 404,
      cause: 'Not Found',
    });
  });
});
