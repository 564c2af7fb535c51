import type { ExtensionDialog } from '@switchboard/live-state';

/** The event package and body type of the dialog event package (RFC 4235 §3.1, §4). */
export const DIALOG_EVENT = 'dialog';
export const DIALOG_INFO_TYPE = 'application/dialog-info+xml';

export interface DialogInfoDocument {
  /** §4.1.1: 0 in the first NOTIFY of a subscription, one more in each further one. */
  readonly version: number;
  /** §4.1.1: `full` lists every dialog of the entity; `partial` only those that changed. */
  readonly state: 'full' | 'partial';
  /** The watched resource's URI. */
  readonly entity: string;
  readonly dialogs: readonly ExtensionDialog[];
  /** For each dialog's duration element (seconds since its start). */
  readonly now: number;
}

/** Not XML 1.0 characters (§2.2): C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** XML 1.0 character data and attribute values: the five predefined entities, non-characters dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function dialogElement(d: ExtensionDialog, now: number): string {
  const attrs = [`id="${escapeXml(d.id)}"`];
  if (d.callId) attrs.push(`call-id="${escapeXml(d.callId)}"`);
  // RFC 4235 §4.1.6: with call-id, the tags identify the dialog (a BLF key's INVITE with Replaces).
  if (d.callId && d.localTag) attrs.push(`local-tag="${escapeXml(d.localTag)}"`);
  if (d.callId && d.remoteTag) attrs.push(`remote-tag="${escapeXml(d.remoteTag)}"`);
  attrs.push(`direction="${d.direction}"`);
  const stateAttrs = [
    ...(d.event ? [`event="${d.event}"`] : []),
    ...(d.code === undefined ? [] : [`code="${d.code}"`]),
  ];
  const display = d.remoteName ? ` display="${escapeXml(d.remoteName)}"` : '';
  const lines = [
    `  <dialog ${attrs.join(' ')}>`,
    `    <state${stateAttrs.map((a) => ` ${a}`).join('')}>${d.state}</state>`,
  ];
  if (d.state === 'confirmed') {
    lines.push(`    <duration>${Math.max(0, Math.floor((now - d.startedAt) / 1000))}</duration>`);
  }
  lines.push(
    '    <remote>',
    `      <identity${display}>${escapeXml(d.remote)}</identity>`,
    `      <target uri="${escapeXml(d.remote)}"/>`,
    '    </remote>',
    '  </dialog>',
  );
  return lines.join('\r\n');
}

/** A dialog-info document (RFC 4235 §4.1); every value from outside is escaped. */
export function buildDialogInfo(doc: DialogInfoDocument): string {
  const head =
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${doc.version}" ` +
    `state="${doc.state}" entity="${escapeXml(doc.entity)}">`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    head,
    ...doc.dialogs.map((d) => dialogElement(d, doc.now)),
    '</dialog-info>',
    '',
  ].join('\r\n');
}
