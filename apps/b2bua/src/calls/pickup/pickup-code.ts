// Module constant: a regular expression literal in a function body is a new object per call.
const DIGITS = /^[0-9]{1,32}$/;

/** What a dialled number asks for, if it is a pickup feature code. */
export type PickupRequest =
  { readonly kind: 'group' } | { readonly kind: 'directed'; readonly extension: string };

/** The pickup feature codes (SWITCHBOARD_PICKUP_GROUP_CODE, SWITCHBOARD_PICKUP_DIRECTED_PREFIX). */
export interface PickupCodes {
  readonly groupCode: string;
  readonly directedPrefix: string;
}

/**
 * `*8` (the group code) asks for group pickup; `**201` (the directed prefix, then an extension
 * number) for directed pickup of 201. Anything else is not a pickup code and is routed as dialled.
 */
export function pickupRequestOf(destination: string, codes: PickupCodes): PickupRequest | undefined {
  if (destination === codes.groupCode) return { kind: 'group' };
  if (!destination.startsWith(codes.directedPrefix)) return undefined;
  const extension = destination.slice(codes.directedPrefix.length);
  return DIGITS.test(extension) ? { kind: 'directed', extension } : undefined;
}
