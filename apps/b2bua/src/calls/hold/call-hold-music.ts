import type { Side } from '../bridge/call-bridge.js';
import type { CallDeps } from '../call-deps.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { BridgeHoldMusic, type BridgeHoldMusicOptions } from './bridge-hold-music.js';

/**
 * The music-on-hold watch of one bridge of a call, or undefined when the process has no music on hold
 * (SWITCHBOARD_MUSIC_ON_HOLD=off). `extensionOf(side)`: the extension on that side, whose class its
 * held parties hear.
 */
export function callHoldMusic(
  deps: CallDeps,
  log: CallLogIds,
  sides: BridgeHoldMusicOptions['sides'],
  extensionOf: (side: Side) => string | undefined,
  initial: BridgeHoldMusicOptions['initial'] = { caller: {}, callee: {} },
): BridgeHoldMusic | undefined {
  const moh = deps.musicOnHold;
  if (!moh) return undefined;
  return new BridgeHoldMusic({
    moh,
    clock: deps.port.clock,
    logger: deps.logger,
    log,
    sides,
    initial,
    classOf: (holder) => moh.classOf(extensionOf(holder)),
  });
}
