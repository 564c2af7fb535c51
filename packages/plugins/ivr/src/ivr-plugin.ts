import { PASS, definePlugin, z, type RoutingDecision } from '@switchboard/plugin-sdk';

export const PLUGIN_ID = 'ivr';

export const configSchema = z.object({
  /** A disabled menu: `reject` answers 480 (default), `pass` lets the next plugin route the number. */
  disabledMenu: z.enum(['reject', 'pass']).default('reject'),
});
export type IvrConfig = z.infer<typeof configSchema>;

/**
 * The auto attendant's front door: a dialled menu number (menus are configured in the admin app)
 * goes to the plan action `menu(id)`, which the B2BUA executes: it answers, plays the greeting,
 * reads the caller's key and connects the call to that key's destination. A business-hours or
 * inbound-routes destination of kind `menu` reaches this plugin through the chain (reroute). Other
 * numbers pass.
 */
export function createIvrPlugin() {
  return definePlugin({
    id: PLUGIN_ID,
    version: '0.1.0',
    description: 'Auto attendant: a dialled menu number answers with its greeting and DTMF choices',
    configSchema,
    async route(call, api): Promise<RoutingDecision> {
      const menu = await api.directory.menu(call.destination);
      if (!menu) return PASS;
      if (!menu.enabled) {
        return api.config.disabledMenu === 'pass'
          ? PASS
          : { steps: [{ type: 'reject', status: 480, reason: 'Menu Disabled' }] };
      }
      api.log.info('auto attendant', { callId: call.callId, number: menu.number, menu: menu.id });
      return { steps: [{ type: 'menu', menu: menu.id }] };
    },
  });
}
