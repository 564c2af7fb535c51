/**
 * One CSV field (RFC 4180 quoting). Cells starting with = + - @ are prefixed with ' so a
 * spreadsheet does not run a caller-controlled display name as a formula (OWASP CSV injection).
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}
