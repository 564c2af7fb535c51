import type { Ladder } from './ladder.js';

/** Width of one ladder column in characters (the labels of most SIP messages fit). */
const COLUMN = 30;
const TIME = 12;

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 23);
}

function centred(text: string, width: number): string {
  const cut = text.length > width ? text.slice(0, width) : text;
  const left = Math.floor((width - cut.length) / 2);
  return ' '.repeat(left) + cut + ' '.repeat(width - cut.length - left);
}

/**
 * The ladder as plain text for a terminal (like sngrep's call flow): a header with each column's
 * role and address, then one line per message with its time and an arrow labelled with the method
 * or status between the two columns' lifelines.
 */
export function ladderText(ladder: Ladder): string {
  const n = ladder.columns.length;
  const centre = (i: number): number => TIME + 1 + i * COLUMN + Math.floor(COLUMN / 2);
  const width = TIME + 1 + n * COLUMN;
  const header = (pick: (c: Ladder['columns'][number], i: number) => string): string =>
    ' '.repeat(TIME + 1) + ladder.columns.map((c, i) => centred(pick(c, i), COLUMN - 1) + ' ').join('');
  let calleeNo = 0;
  const roles = ladder.columns.map((c) =>
    c.role === 'callee' ? `callee ${++calleeNo}` : c.role.toUpperCase(),
  );
  const lines = [header((_, i) => roles[i] ?? ''), header((c) => c.address)];
  for (const a of ladder.arrows) {
    const row = Array.from({ length: width }, () => ' ');
    for (let i = 0; i < n; i++) row[centre(i)] = '|';
    const [lo, hi] = a.from < a.to ? [a.from, a.to] : [a.to, a.from];
    const start = centre(lo) + 1;
    const end = centre(hi) - 1;
    for (let x = start; x <= end; x++) row[x] = '-';
    if (a.from < a.to) row[end] = '>';
    else row[start] = '<';
    const span = end - start - 1;
    const label = ` ${a.label} `.slice(0, Math.max(0, span));
    const at = start + 1 + Math.floor((span - label.length) / 2);
    for (let k = 0; k < label.length; k++) row[at + k] = label[k] ?? ' ';
    const time = clock(a.time).padEnd(TIME);
    for (let k = 0; k < TIME; k++) row[k] = time[k] ?? ' ';
    lines.push(row.join('').trimEnd());
  }
  return lines.map((l) => l.trimEnd()).join('\n') + '\n';
}
