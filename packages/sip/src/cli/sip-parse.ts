#!/usr/bin/env node
// sip-parse FILE... | sip-parse < message: prints one JSON object per message and exits 0 when
// every message is valid, 1 otherwise (2 on usage or I/O errors).
// Each file (or stdin) is one datagram; with --stream the input is framed as a TCP stream and
// may hold several messages.
import { readFileSync } from 'node:fs';
import { StreamFramer } from '../message/stream-framer.js';
import { summarizeMessage, type MessageSummary } from '../message/message-summary.js';
import { SipParseError } from '../sip-parse-error.js';

function readStdin(): Buffer {
  return readFileSync(0);
}

function summarizeStream(data: Buffer): MessageSummary[] {
  const framer = new StreamFramer();
  const out: MessageSummary[] = [];
  try {
    for (const m of framer.push(data)) out.push(summarizeMessage(m.toBuffer()));
    if (framer.bufferedBytes > 0) out.push(failure('Incomplete message at end of stream'));
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    out.push(failure(err.reason));
  }
  return out;
}

function failure(reason: string): MessageSummary {
  const s = summarizeMessage(Buffer.alloc(0));
  return { ...s, error: reason };
}

function main(argv: string[]): number {
  const stream = argv.includes('--stream');
  const files = argv.filter((a) => a !== '--stream');
  if (files.some((f) => f === '--help' || f === '-h')) {
    process.stdout.write('usage: sip-parse [--stream] [FILE...]   (stdin when no FILE)\n');
    return 0;
  }
  const inputs = files.length === 0 ? [readStdin()] : files.map((f) => readFileSync(f));
  let allValid = true;
  for (const data of inputs) {
    const summaries = stream ? summarizeStream(data) : [summarizeMessage(data)];
    for (const s of summaries) {
      if (!s.valid) allValid = false;
      process.stdout.write(`${JSON.stringify(s)}\n`);
    }
  }
  return allValid ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`sip-parse: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
