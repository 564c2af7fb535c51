// Loads the RFC 4475 torture messages copied into test/fixtures/torture.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../src/index.js';

export interface TortureEntry {
  name: string;
  section: string | null;
  title: string;
  class: string;
  expect: 'accept' | 'reject' | 'either' | null;
  liberalAllowed?: boolean;
  dir: 'valid' | 'invalid';
  sha256: string;
}

const root = fileURLToPath(new URL('./fixtures/torture/', import.meta.url));

export const torture = JSON.parse(readFileSync(`${root}index.json`, 'utf8')) as { messages: TortureEntry[] };

export function entry(name: string): TortureEntry {
  const e = torture.messages.find((m) => m.name === name);
  if (!e) throw new Error(`no torture message ${name}`);
  return e;
}

export function bytesOf(name: string): Buffer {
  return readFileSync(`${root}${entry(name).dir}/${name}.dat`);
}

export function load(name: string): SipMessage {
  return parseMessage(bytesOf(name));
}

export function request(name: string): SipRequest {
  const m = load(name);
  if (m.kind !== 'request') throw new Error(`${name} is not a request`);
  return m;
}

export function response(name: string): SipResponse {
  const m = load(name);
  if (m.kind !== 'response') throw new Error(`${name} is not a response`);
  return m;
}
