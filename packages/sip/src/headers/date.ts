// Date (RFC 3261 §20.17): rfc1123-date = wkday "," SP date1 SP time SP "GMT"
//   date1 = 2DIGIT SP month SP 4DIGIT; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
import { headerError } from '../sip-parse-error.js';

const WKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function digits(s: string, pos: number, n: number): number {
  let v = 0;
  for (let i = pos; i < pos + n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** Parses the Date header value into a JavaScript Date (UTC). */
export function parseDate(s: string): Date {
  const v = s.trim();
  // "Sat, 15 Oct 2005 04:44:56 GMT" is exactly 29 characters.
  const bad = (): never => {
    throw headerError('Date', 'not an RFC 1123 date in GMT');
  };
  if (v.length !== 29 || v[3] !== ',' || v[4] !== ' ' || v[7] !== ' ' || v[11] !== ' ' || v[16] !== ' ')
    bad();
  if (v[19] !== ':' || v[22] !== ':' || v[25] !== ' ' || v.slice(26) !== 'GMT') bad();
  if (!WKDAYS.includes(v.slice(0, 3))) bad();
  const month = MONTHS.indexOf(v.slice(8, 11));
  const day = digits(v, 5, 2);
  const year = digits(v, 12, 4);
  const h = digits(v, 17, 2);
  const m = digits(v, 20, 2);
  const sec = digits(v, 23, 2);
  if (
    month < 0 ||
    day < 1 ||
    day > 31 ||
    year < 0 ||
    h < 0 ||
    h > 23 ||
    m < 0 ||
    m > 59 ||
    sec < 0 ||
    sec > 60
  )
    bad();
  return new Date(Date.UTC(year, month, day, h, m, sec));
}

/** Formats a Date as an RFC 1123 date for the Date header. */
export function formatDate(d: Date): string {
  return d.toUTCString();
}
