import path from 'node:path';

/** What the e-mail says about one message (plain text only: nothing is interpreted as HTML). */
export interface VoicemailEmailFacts {
  readonly to: string;
  readonly from: string;
  readonly extension: string;
  readonly extensionName: string | undefined;
  readonly callerNumber: string;
  readonly callerName: string | null | undefined;
  readonly receivedAt: Date;
  readonly durationSeconds: number;
  /** Absolute path of the WAV recording. */
  readonly wavFile: string;
}

export interface VoicemailEmail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachments: ReadonlyArray<{ filename: string; path: string; contentType: string }>;
}

/** Control characters (CR/LF included) would let a caller's name forge mail headers or lines: replaced. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function caller(facts: VoicemailEmailFacts): string {
  const number = oneLine(facts.callerNumber) || 'unknown';
  const name = facts.callerName ? oneLine(facts.callerName) : '';
  return name && name !== number ? `${name} (${number})` : number;
}

/** The notification for one new message: caller, time (UTC, ISO 8601), duration, the WAV attached. */
export function composeVoicemailEmail(facts: VoicemailEmailFacts): VoicemailEmail {
  const who = caller(facts);
  const box = facts.extensionName ? `${facts.extension} (${oneLine(facts.extensionName)})` : facts.extension;
  const when = facts.receivedAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
  const text = [
    `New voicemail for ${box}.`,
    '',
    `From:     ${who}`,
    `Received: ${when}`,
    `Duration: ${formatDuration(facts.durationSeconds)}`,
    '',
    'The recording is attached (WAV).',
    '',
  ].join('\n');
  const stamp = facts.receivedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    from: facts.from,
    to: facts.to,
    subject: `New voicemail from ${who} (${formatDuration(facts.durationSeconds)})`,
    text,
    attachments: [
      {
        filename: `voicemail-${facts.extension}-${stamp}${path.extname(facts.wavFile) || '.wav'}`,
        path: facts.wavFile,
        contentType: 'audio/wav',
      },
    ],
  };
}
