import { parseUint } from './sdp-fields.js';
import type { T38Parameters } from './sdp-types.js';

/** Reads T.38 attributes from raw lines (ITU-T T.38 Annex D); names compare case-insensitively as stacks vary. */
export function parseT38Attributes(lines: readonly string[]): T38Parameters {
  const t: T38Parameters = { fillBitRemoval: false, transcodingMMR: false, transcodingJBIG: false };
  for (const l of lines) {
    if (l.charCodeAt(0) !== 97) continue;
    const colon = l.indexOf(':');
    const name = (colon < 0 ? l.slice(2) : l.slice(2, colon)).toLowerCase();
    const value = colon < 0 ? '' : l.slice(colon + 1);
    applyT38Attribute(t, name, value);
  }
  return t;
}

/**
 * Attribute values (`name[:value]`, for `MediaCapability.attributes` or `addAttribute`) in the
 * spelling of T.38 Annex D; boolean options are written bare when true and left out when false.
 */
export function formatT38Attributes(t: T38Parameters): string[] {
  const out: string[] = [];
  if (t.version !== undefined) out.push(`T38FaxVersion:${t.version}`);
  if (t.maxBitRate !== undefined) out.push(`T38MaxBitRate:${t.maxBitRate}`);
  if (t.fillBitRemoval) out.push('T38FaxFillBitRemoval');
  if (t.transcodingMMR) out.push('T38FaxTranscodingMMR');
  if (t.transcodingJBIG) out.push('T38FaxTranscodingJBIG');
  if (t.rateManagement !== undefined) out.push(`T38FaxRateManagement:${t.rateManagement}`);
  if (t.maxBuffer !== undefined) out.push(`T38FaxMaxBuffer:${t.maxBuffer}`);
  if (t.maxDatagram !== undefined) out.push(`T38FaxMaxDatagram:${t.maxDatagram}`);
  if (t.udpEc !== undefined) out.push(`T38FaxUdpEC:${t.udpEc}`);
  return out;
}

function applyT38Attribute(t: T38Parameters, name: string, value: string): void {
  // A flag may be written bare or with :1 / :0 (T.38 Annex D vs. common practice).
  const flag = value !== '0';
  switch (name) {
    case 't38faxversion':
      t.version = parseUint(value);
      break;
    case 't38maxbitrate':
      t.maxBitRate = parseUint(value);
      break;
    case 't38faxfillbitremoval':
      t.fillBitRemoval = flag;
      break;
    case 't38faxtranscodingmmr':
      t.transcodingMMR = flag;
      break;
    case 't38faxtranscodingjbig':
      t.transcodingJBIG = flag;
      break;
    case 't38faxratemanagement':
      t.rateManagement = value;
      break;
    case 't38faxmaxbuffer':
      t.maxBuffer = parseUint(value);
      break;
    case 't38faxmaxdatagram':
      t.maxDatagram = parseUint(value);
      break;
    case 't38faxudpec':
      t.udpEc = value;
      break;
    default:
      break;
  }
}
