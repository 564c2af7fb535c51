import { routeCall, testCall } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import plugin, { configSchema } from '../src/index.js';

const config = {
  country: 'DE',
  routes: [
    { did: '+49301234500', destination: { kind: 'ring-group', number: '600' } },
    { did: '0301234501', destination: { kind: 'extension', extension: '201' } },
    { did: '_+4930123456[7-9]', trunk: 'carrier-b', destination: { kind: 'voicemail', mailbox: '202' } },
    { did: '+49301234510', destination: { kind: 'follow-me', extension: '203' } },
    {
      did: '+49301234520',
      destination: { kind: 'plan', plan: { steps: [{ type: 'reject', status: 486 }] } },
    },
  ],
};

const fromTrunk = (did: string, trunk = 'carrier-a') =>
  testCall(did, { caller: { uri: 'sip:+4917099@carrier.example', trunk } });

async function stepsFor(did: string, trunk = 'carrier-a') {
  const r = await routeCall(plugin, fromTrunk(did, trunk), { config });
  if (r.pass) throw new Error(`expected a plan for ${did}`);
  return { steps: r.plan.steps, logs: r.logs };
}

describe('inbound-routes', () => {
  it('a DID to a ring group is rerouted to the group’s number (the ring-group plugin rings it)', async () => {
    expect((await stepsFor('+49301234500')).steps).toEqual([{ type: 'reroute', destination: '600' }]);
  });

  it('a DID matches whether the trunk delivers it in E.164 or nationally', async () => {
    for (const did of ['+49301234501', '0301234501']) {
      expect((await stepsFor(did)).steps).toEqual([{ type: 'reroute', destination: '201' }]);
    }
    expect((await stepsFor('0301234500')).steps).toEqual([{ type: 'reroute', destination: '600' }]);
  });

  it('a block pattern only for its trunk; voicemail, follow-me and a full plan', async () => {
    expect((await stepsFor('+49301234567', 'carrier-b')).steps).toEqual([
      { type: 'voicemail', mailbox: '202' },
    ]);
    expect((await stepsFor('+49301234567', 'carrier-a')).steps).toMatchObject([
      { type: 'reject', status: 404 },
    ]);
    expect((await stepsFor('+49301234510')).steps).toEqual([{ type: 'reroute', destination: '203' }]);
    expect((await stepsFor('+49301234520')).steps).toEqual([{ type: 'reject', status: 486 }]);
  });

  it('an unknown DID gets 404 and a log line, never the rest of the chain', async () => {
    const { steps, logs } = await stepsFor('+49309999999');
    expect(steps).toEqual([{ type: 'reject', status: 404, reason: 'Not Found' }]);
    expect(logs[0]).toMatchObject({
      msg: 'unknown DID',
      fields: { trunk: 'carrier-a', did: '+49309999999' },
    });
  });

  it('passes extensions’ calls and its own reroute', async () => {
    expect((await routeCall(plugin, testCall('+49301234500'), { config })).pass).toBe(true);
    const rerouted = testCall('600', {
      caller: { uri: 'sip:+4917099@carrier.example', trunk: 'carrier-a' },
      history: [
        { pluginId: 'inbound-routes', destination: '+49301234500', outcome: 'unavailable', tried: [] },
      ],
    });
    expect((await routeCall(plugin, rerouted, { config })).pass).toBe(true);
    // A trunk caller being transferred: the transferor dialled the destination, not a DID.
    const transferred = testCall('202', {
      caller: {
        uri: 'sip:+4917099@carrier.example',
        trunk: 'carrier-a',
        transferredBy: { uri: 'sip:201@pbx.test', extension: '201' },
      },
    });
    expect((await routeCall(plugin, transferred, { config })).pass).toBe(true);
  });

  it('refuses bad DID patterns and bad plans at start-up', () => {
    expect(configSchema.safeParse({}).success).toBe(true);
    const bad = configSchema.safeParse({
      routes: [{ did: '_1.2', destination: { kind: 'number', number: '5' } }],
    });
    expect(bad.error?.issues[0]?.message).toContain('only allowed at the end');
    const badPlan = configSchema.safeParse({
      routes: [{ did: '1', destination: { kind: 'plan', plan: { steps: [] } } }],
    });
    expect(badPlan.success).toBe(false);
    // The admin's Plugins page renders the JSON Schema the workers publish.
    expect(() => z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' })).not.toThrow();
  });
});
