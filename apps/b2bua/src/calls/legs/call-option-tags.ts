/** RFC 3891 §6.1: the PBX accepts INVITE with Replaces (calls/replaces/). */
export const REPLACES_OPTION_TAG = 'replaces';

/** Option tags every INVITE of the PBX and every 2xx it answers an INVITE with lists in Supported. */
const CALL_OPTION_TAGS: readonly string[] = [REPLACES_OPTION_TAG];

type Field = { readonly name: string; readonly value: string };

/** The tags of `values` (comma lists), then those of CALL_OPTION_TAGS not there yet: a stable order. */
function supportedValue(values: readonly string[]): string {
  const tags = values
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const tag of CALL_OPTION_TAGS) if (!tags.some((t) => t.toLowerCase() === tag)) tags.push(tag);
  return tags.join(', ');
}

/**
 * `headers` with one Supported (RFC 3261 §20.37) listing what they already named (RFC 4028 `timer`)
 * followed by `replaces`; it stays where the first Supported was, else it is appended.
 */
export function withCallOptionTags(headers: readonly Field[]): Field[] {
  const isSupported = (h: Field): boolean => h.name.toLowerCase() === 'supported';
  const value = supportedValue(headers.filter(isSupported).map((h) => h.value));
  const at = headers.findIndex(isSupported);
  const rest = headers.filter((h) => !isSupported(h));
  const supported = { name: 'Supported', value };
  return at < 0 ? [...rest, supported] : [...rest.slice(0, at), supported, ...rest.slice(at)];
}

/** The same for `[name, value]` pairs (responses). */
export function withCallOptionTagPairs(
  headers: ReadonlyArray<readonly [string, string]>,
): Array<readonly [string, string]> {
  return withCallOptionTags(headers.map(([name, value]) => ({ name, value }))).map(
    (h) => [h.name, h.value] as const,
  );
}
