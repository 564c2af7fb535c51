export { outcomeOfStatus } from '@switchboard/plugin-sdk';

/**
 * RFC 3261 §16.7 step 6: among final responses a 6xx wins; otherwise the lowest class; inside a
 * class prefer a definite answer (486, 480) over 408/503 which only say the branch did not work.
 */
export function betterResponse(current: number | undefined, candidate: number): boolean {
  if (current === undefined) return true;
  if (current >= 600) return false;
  if (candidate >= 600) return true;
  const classOf = (s: number): number => Math.floor(s / 100);
  if (classOf(candidate) !== classOf(current)) return classOf(candidate) < classOf(current);
  return rank(candidate) < rank(current);
}

function rank(status: number): number {
  if (status === 486) return 0;
  if (status === 480) return 1;
  if (status === 408 || status === 503 || status === 487) return 3;
  return 2;
}
