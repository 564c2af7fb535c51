import { auditQuerySchema } from '../../audit/audit-log.schemas.js';
import { updatePluginSchema } from '../../plugins/plugins.controller.js';
import { settingsSchema, settingsViewSchema } from '../../settings/settings.schemas.js';
import { type Operation } from '../openapi-operation.js';

/** Health, settings, plugins and the audit log. */
export const systemOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: 'system',
    summary:
      'ok or degraded: PostgreSQL, Redis, the signalling and worker processes (heartbeats) and rtpengine (ng ping) when media is relayed',
    public: true,
  },
  {
    method: 'get',
    path: '/api/health/processes',
    tag: 'system',
    summary: 'Each signalling and worker process: role, host, pid, version, start, heartbeat age, up/down',
  },
  {
    method: 'get',
    path: '/api/settings',
    tag: 'settings',
    summary: 'PBX-wide settings: the time zone time-of-day routing reads the clock in (UTC until saved)',
    response: settingsViewSchema,
  },
  {
    method: 'put',
    path: '/api/settings',
    tag: 'settings',
    summary: 'Change the PBX settings (an IANA time zone such as Europe/Berlin)',
    body: settingsSchema,
    response: settingsViewSchema,
  },
  {
    method: 'get',
    path: '/api/plugins',
    tag: 'plugins',
    summary: 'Installed and configured routing plugins',
  },
  {
    method: 'get',
    path: '/api/plugins/rollout',
    tag: 'plugins',
    summary:
      'Whether the latest saved plugin configuration runs on every routing worker (applied without restart)',
  },
  {
    method: 'put',
    path: '/api/plugins/{id}',
    tag: 'plugins',
    summary: "Enable/disable a plugin and save its configuration (checked against the plugin's schema)",
    body: updatePluginSchema,
  },
  {
    method: 'get',
    path: '/api/audit-log',
    tag: 'audit',
    summary:
      'Who changed what, newest first: each entry with a label (number and name, username…) and its before/after; filters actor (part of the name), entity, from/to (ISO date-times, to exclusive)',
    query: auditQuerySchema,
  },
  {
    method: 'get',
    path: '/api/audit-log/entities',
    tag: 'audit',
    summary: 'The entity types present in the audit log (for its filter)',
  },
];
