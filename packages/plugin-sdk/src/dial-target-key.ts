import type { DialTarget } from './routing-plan.js';

/**
 * The key of a dial target in call records, `rememberAnswerAs` and the testkit: the extension
 * number, the AOR, the URI, or `trunk:<name>:<number>`.
 */
export function dialTargetKey(t: DialTarget): string {
  switch (t.kind) {
    case 'extension':
      return t.extension;
    case 'aor':
      return t.aor;
    case 'uri':
      return t.uri;
    case 'trunk':
      return `trunk:${t.trunk}:${t.number}`;
  }
}
