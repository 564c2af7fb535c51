import { describe, expect, it } from 'vitest';
import type { ConferenceRoomInfo } from '@switchboard/plugin-sdk';
import { routeCall, simulatePlan, testCall } from '@switchboard/plugin-sdk/testkit';
import plugin from '../src/index.js';

const room = (over: Partial<ConferenceRoomInfo> & { number: string }): ConferenceRoomInfo => ({
  name: `Room ${over.number}`,
  enabled: true,
  hasPin: false,
  maxParticipants: 10,
  announceJoin: true,
  ...over,
});
const world = { conferenceRooms: [room({ number: '800' }), room({ number: '801', enabled: false })] };

describe('conference plugin', () => {
  it('routes a room number to conference(room), which the plan runs as its end', async () => {
    const result = await routeCall(plugin, testCall('800'), { world });
    expect(result.pass).toBe(false);
    if (result.pass) return;
    expect(result.plan.steps).toEqual([{ type: 'conference', room: '800' }]);
    expect(simulatePlan(result.plan, {}).result).toEqual({ kind: 'conference', room: '800' });
  });

  it('passes other numbers on', async () => {
    expect((await routeCall(plugin, testCall('201'), { world })).pass).toBe(true);
  });

  it('answers 480 for a disabled room, or passes it when configured so', async () => {
    const rejected = await routeCall(plugin, testCall('801'), { world });
    expect(rejected.pass ? undefined : rejected.plan.steps).toEqual([
      { type: 'reject', status: 480, reason: 'Conference Room Disabled' },
    ]);
    expect((await routeCall(plugin, testCall('801'), { world, config: { disabledRoom: 'pass' } })).pass).toBe(
      true,
    );
  });
});
