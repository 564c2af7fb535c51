import { endpointText, type CallTrace } from './trace-entry.js';

/**
 * The trace as plain text, one block per message in the order of the wire: time, transport,
 * from -> to, then the message as sent (CRLFs kept as line breaks), like `sngrep`'s raw view.
 */
export function traceText(trace: CallTrace, title: string): string {
  const out = [`# ${title}`, `# SIP Call-IDs: ${trace.sipCallIds.join(', ')}`];
  if (trace.dropped > 0)
    out.push(`# ${trace.dropped} later message(s) dropped: the call's trace buffer was full`);
  out.push('');
  for (const e of trace.entries) {
    const [from, to] = e.dir === 'in' ? [e.remote, e.local] : [e.local, e.remote];
    out.push(`${new Date(e.t).toISOString()} ${e.proto} ${endpointText(from)} -> ${endpointText(to)}`);
    out.push(e.msg.replace(/\r\n/g, '\n').replace(/\n+$/, ''), '');
  }
  return out.join('\n') + '\n';
}
