import { PASS, definePlugin, z, type RoutingDecision } from '@switchboard/plugin-sdk';

export const PLUGIN_ID = 'conference';

export const configSchema = z.object({
  /** A disabled room: `reject` answers 480 (default), `pass` lets the next plugin route the number. */
  disabledRoom: z.enum(['reject', 'pass']).default('reject'),
});
export type ConferenceConfig = z.infer<typeof configSchema>;

/**
 * Routes a dialled conference-room number (rooms are configured in the admin app) to the plan
 * action `conference(room)`, which the B2BUA executes: it answers, asks the PIN if the room has
 * one and mixes the caller in. Other destinations pass to the next plugin.
 */
export function createConferencePlugin() {
  return definePlugin({
    id: PLUGIN_ID,
    version: '0.1.0',
    description: 'Conference rooms: a dialled room number joins the caller to the room',
    configSchema,
    async route(call, api): Promise<RoutingDecision> {
      const room = await api.directory.conferenceRoom(call.destination);
      if (!room) return PASS;
      if (!room.enabled) {
        return api.config.disabledRoom === 'pass'
          ? PASS
          : { steps: [{ type: 'reject', status: 480, reason: 'Conference Room Disabled' }] };
      }
      return { steps: [{ type: 'conference', room: room.number }] };
    },
  });
}
