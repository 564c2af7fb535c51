import type { LampState } from '@switchboard/live-state';
import { escapeXml } from './dialog-info-body.js';

/** The presence event package and its body type (RFC 3856 §6.1, PIDF RFC 3863). */
export const PRESENCE_EVENT = 'presence';
export const PIDF_TYPE = 'application/pidf+xml';

const NOTES: Record<LampState, string> = {
  idle: 'Available',
  dialling: 'Calling',
  ringing: 'Ringing',
  busy: 'On the phone',
};

/**
 * A PIDF document (RFC 3863 §4) for an extension: one tuple, `open` while the extension can take
 * calls; its phone state as the tuple's note and, in a call, the RPID activity `on-the-phone`
 * (RFC 4480 §3.2) that desk phones and softphones show as busy.
 */
export function buildPidf(entity: string, lamp: LampState): string {
  const e = escapeXml(entity);
  const activity =
    lamp === 'busy'
      ? [
          '  <dm:person id="p1">',
          '    <rpid:activities><rpid:on-the-phone/></rpid:activities>',
          '  </dm:person>',
        ]
      : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"',
    `  xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${e}">`,
    '  <tuple id="t1">',
    '    <status><basic>open</basic></status>',
    `    <contact>${e}</contact>`,
    `    <note>${NOTES[lamp]}</note>`,
    '  </tuple>',
    ...activity,
    '</presence>',
    '',
  ].join('\r\n');
}
