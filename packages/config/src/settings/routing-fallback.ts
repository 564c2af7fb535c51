/** Where a call goes when routing fails or times out (see SWITCHBOARD_ROUTING_FALLBACK). */
export type RoutingFallback =
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'extension'; readonly extension: string }
  | { readonly kind: 'voicemail'; readonly mailbox: string }
  | { readonly kind: 'reject'; readonly status: number };

export const fallbackHelp =
  "must be '503', 'extension:<number>', 'voicemail:<mailbox>' or 'reject:<400-699>'";

/** Parses SWITCHBOARD_ROUTING_FALLBACK; undefined when the text fits none of the forms. */
export function parseRoutingFallback(text: string): RoutingFallback | undefined {
  const v = text.trim();
  if (v === '503') return { kind: 'unavailable' };
  const m = /^(extension|voicemail|reject):(.+)$/.exec(v);
  if (!m) return undefined;
  const arg = (m[2] ?? '').trim();
  if (m[1] === 'reject') {
    const status = /^[4-6][0-9][0-9]$/.test(arg) ? Number(arg) : NaN;
    return status >= 400 && status <= 699 ? { kind: 'reject', status } : undefined;
  }
  if (!/^[0-9*#+]{1,32}$/.test(arg)) return undefined;
  return m[1] === 'extension' ? { kind: 'extension', extension: arg } : { kind: 'voicemail', mailbox: arg };
}
