import fs from 'node:fs';
import type { Command } from 'commander';
import { CallDetailService } from '../calls/call-detail.service.js';
import type { CliContext } from './cli-context.js';
import { safeText } from './table.js';

/** SIP text comes from peers: control characters (terminal escapes) are shown, never sent raw. */
const safeLines = (text: string): string => text.split('\n').map(safeText).join('\n');

/** `switchboard trace <call-id>`: a call's SIP ladder in the terminal, its full text, or a pcap file. */
export function registerTraceCommands(
  program: Command,
  ctx: () => CliContext,
  out: (t: string) => void,
): void {
  program
    .command('trace')
    .description(
      "print a call's SIP ladder (the call id is in call history and in the `call ended` log line)",
    )
    .argument('<call-id>', 'the call record id')
    .option('--full', 'also print every message in full')
    .option('--pcap <file>', 'write the trace as a pcap file (Wireshark, tshark, sngrep) instead')
    .action(async (id: string, opts: { full?: boolean; pcap?: string }) => {
      const calls = new CallDetailService(ctx().prisma, { dataDir: ctx().config.dataDir });
      const call = await calls.detail(id);
      if (opts.pcap) {
        fs.writeFileSync(opts.pcap, await calls.pcap(id));
        return out(`wrote ${call.trace?.messages ?? 0} SIP messages to ${opts.pcap}\n`);
      }
      const from = call.callerName ? `${call.callerName} <${call.callerNumber}>` : call.callerNumber;
      const legs = call.legs.map(
        (l) => `#   leg ${safeText(l.target)} ${l.status ?? '-'} ${safeText(l.sipCallId ?? '-')}`,
      );
      out(
        [
          `# call ${safeText(call.id)}: ${safeText(from)} -> ${safeText(call.calleeNumber)}, ${call.disposition}` +
            (call.hangupCause ? ` (${safeText(call.hangupCause)})` : ''),
          `# started ${call.startedAt}, plugin ${safeText(call.pluginId ?? '-')}`,
          `# caller SIP Call-ID ${safeText(call.sipCallId ?? '-')}`,
          ...legs,
          '',
        ].join('\n'),
      );
      out(safeLines(await calls.ladderText(id)));
      if (opts.full) out('\n' + safeLines(await calls.text(id)));
    });
}
