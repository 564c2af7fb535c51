/** Small helpers over Route / Record-Route / Contact values, enough for RFC 3261 §12.2.1.1 routing. */

/** The URI of a name-addr (`"x" <uri>;p=1`) or of a bare addr-spec. */
export function routeUri(value: string): string {
  let inQuotes = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && inQuotes) {
      i++;
      continue;
    }
    if (c === '"') inQuotes = !inQuotes;
    else if (c === '<' && !inQuotes) {
      const end = value.indexOf('>', i + 1);
      return (end < 0 ? value.slice(i + 1) : value.slice(i + 1, end)).trim();
    }
  }
  return value.trim();
}

/** Index where URI parameters start (after any user part, whose user-params may contain ';'), or -1. */
function paramsStart(uri: string): number {
  const q = uri.indexOf('?');
  const end = q < 0 ? uri.length : q;
  const at = uri.lastIndexOf('@', end);
  const from = at < 0 ? uri.indexOf(':') + 1 : at + 1;
  const semi = uri.indexOf(';', from);
  return semi < 0 || semi > end ? -1 : semi;
}

function uriParams(uri: string): string[] {
  const start = paramsStart(uri);
  if (start < 0) return [];
  const q = uri.indexOf('?', start);
  return uri.slice(start + 1, q < 0 ? undefined : q).split(';');
}

/** True when the URI has the `lr` parameter, i.e. the next hop is a loose router (RFC 3261 §16.12.1.1). */
export function isLooseRouter(uri: string): boolean {
  return uriParams(uri).some((p) => {
    const name = (p.split('=')[0] ?? '').trim().toLowerCase();
    return name === 'lr';
  });
}

/** Drops what RFC 3261 §19.1.1 Table 1 forbids in a Request-URI: the `method` parameter and headers. */
export function requestUriFrom(uri: string): string {
  const q = uri.indexOf('?');
  const base = q < 0 ? uri : uri.slice(0, q);
  const start = paramsStart(base);
  if (start < 0) return base;
  const kept = base
    .slice(start + 1)
    .split(';')
    .filter((p) => (p.split('=')[0] ?? '').trim().toLowerCase() !== 'method');
  return base.slice(0, start) + kept.map((p) => `;${p}`).join('');
}

/** Splits a comma-separated header value into entries, ignoring commas inside quotes or angle brackets. */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let inQuotes = false;
  let inAngle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === ',' && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}
