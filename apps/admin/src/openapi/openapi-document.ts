import { z } from 'zod';
import type { HttpMethod, Route } from './route-table.js';
import {
  adminUserViewSchema,
  changePasswordSchema,
  createAdminUserSchema,
  loginSchema,
  updateAdminUserSchema,
} from '../auth/admin-user.schemas.js';
import { auditQuerySchema } from '../audit/audit-log.schemas.js';
import { createApiTokenSchema } from '../auth/api-token.schemas.js';
import { callFilterSchema, callHistoryQuerySchema } from '../calls/call-history.schemas.js';
import {
  createExtensionSchema,
  extensionViewSchema,
  listExtensionsQuerySchema,
  setSipPasswordSchema,
  updateExtensionSchema,
} from '../extensions/extension.schemas.js';
import { followMeSchema, followMeViewSchema } from '../follow-me/follow-me.schemas.js';
import { settingsSchema, settingsViewSchema } from '../settings/settings.schemas.js';
import { updatePluginSchema } from '../plugins/plugins.controller.js';
import {
  createRingGroupSchema,
  ringGroupViewSchema,
  updateRingGroupSchema,
} from '../ring-groups/ring-group.schemas.js';
import { createTrunkSchema, trunkViewSchema, updateTrunkSchema } from '../trunks/trunk.schemas.js';
import {
  conferenceRoomViewSchema,
  createConferenceRoomSchema,
  updateConferenceRoomSchema,
} from '../conference-rooms/conference-room.schemas.js';
import {
  createIvrMenuSchema,
  ivrMenuViewSchema,
  updateIvrMenuSchema,
} from '../ivr-menus/ivr-menu.schemas.js';
import { markHeardSchema, voicemailBoxSchema } from '../voicemail/voicemail.schemas.js';

interface Operation {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  public?: boolean;
}

const list = (item: z.ZodType) => z.object({ items: z.array(item) });

const operations: Operation[] = [
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
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Log in; sets the session cookie and returns the CSRF token',
    body: loginSchema,
    public: true,
  },
  { method: 'get', path: '/api/auth/session', tag: 'auth', summary: 'Current user and CSRF token' },
  { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'End the session', status: 204 },
  {
    method: 'post',
    path: '/api/auth/password',
    tag: 'auth',
    summary: 'Change own password',
    body: changePasswordSchema,
    status: 204,
  },
  {
    method: 'get',
    path: '/api/extensions',
    tag: 'extensions',
    summary: 'List and search extensions',
    query: listExtensionsQuerySchema,
    response: list(extensionViewSchema),
  },
  {
    method: 'post',
    path: '/api/extensions',
    tag: 'extensions',
    summary:
      'Create an extension (SIP password generated and returned once unless given); 409 when the number is taken',
    body: createExtensionSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/extensions/{id}',
    tag: 'extensions',
    summary: 'One extension',
    response: extensionViewSchema,
  },
  {
    method: 'patch',
    path: '/api/extensions/{id}',
    tag: 'extensions',
    summary: 'Edit, enable or disable; set or clear the voicemail PIN',
    body: updateExtensionSchema,
    response: extensionViewSchema,
  },
  {
    method: 'post',
    path: '/api/extensions/{id}/sip-password',
    tag: 'extensions',
    summary: 'Set or generate the SIP password; the password is returned this once',
    body: setSipPasswordSchema,
  },
  {
    method: 'delete',
    path: '/api/extensions/{id}',
    tag: 'extensions',
    summary: 'Delete an extension',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/extensions/{id}/follow-me',
    tag: 'follow-me',
    summary: 'Follow-me steps and final destination of an extension',
    response: followMeViewSchema,
  },
  {
    method: 'put',
    path: '/api/extensions/{id}/follow-me',
    tag: 'follow-me',
    summary: 'Replace the follow-me steps (and the final destination when given)',
    body: followMeSchema,
    response: followMeViewSchema,
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
    path: '/api/ring-groups',
    tag: 'ring-groups',
    summary: 'List ring groups with members',
    response: list(ringGroupViewSchema),
  },
  {
    method: 'post',
    path: '/api/ring-groups',
    tag: 'ring-groups',
    summary: 'Create a ring group; 409 when the number is taken',
    body: createRingGroupSchema,
    response: ringGroupViewSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/ring-groups/{id}',
    tag: 'ring-groups',
    summary: 'One ring group',
    response: ringGroupViewSchema,
  },
  {
    method: 'patch',
    path: '/api/ring-groups/{id}',
    tag: 'ring-groups',
    summary: 'Edit a ring group (members replace the list)',
    body: updateRingGroupSchema,
    response: ringGroupViewSchema,
  },
  {
    method: 'delete',
    path: '/api/ring-groups/{id}',
    tag: 'ring-groups',
    summary: 'Delete a ring group',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/trunks',
    tag: 'trunks',
    summary: 'List SIP trunks with their registration status (passwords never returned: hasPassword)',
    response: list(trunkViewSchema),
  },
  {
    method: 'post',
    path: '/api/trunks',
    tag: 'trunks',
    summary: 'Create a trunk; 409 when the name is taken; registration needs authUsername and password',
    body: createTrunkSchema,
    response: trunkViewSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/trunks/{id}',
    tag: 'trunks',
    summary: 'One trunk with its registration status',
    response: trunkViewSchema,
  },
  {
    method: 'patch',
    path: '/api/trunks/{id}',
    tag: 'trunks',
    summary:
      'Edit a trunk (password: new value, null to remove, absent to keep); registrations follow without a restart',
    body: updateTrunkSchema,
    response: trunkViewSchema,
  },
  {
    method: 'delete',
    path: '/api/trunks/{id}',
    tag: 'trunks',
    summary: 'Delete a trunk (its registration is removed)',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/conference-rooms',
    tag: 'conference-rooms',
    summary: 'List conference rooms (PINs never returned: hasPin)',
    response: list(conferenceRoomViewSchema),
  },
  {
    method: 'post',
    path: '/api/conference-rooms',
    tag: 'conference-rooms',
    summary: 'Create a conference room; 409 when the number is taken',
    body: createConferenceRoomSchema,
    response: conferenceRoomViewSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/conference-rooms/{id}',
    tag: 'conference-rooms',
    summary: 'One conference room',
    response: conferenceRoomViewSchema,
  },
  {
    method: 'patch',
    path: '/api/conference-rooms/{id}',
    tag: 'conference-rooms',
    summary: 'Edit a conference room (pin: new digits, null to remove, absent to keep)',
    body: updateConferenceRoomSchema,
    response: conferenceRoomViewSchema,
  },
  {
    method: 'delete',
    path: '/api/conference-rooms/{id}',
    tag: 'conference-rooms',
    summary: 'Delete a conference room',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/ivr-menus',
    tag: 'ivr-menus',
    summary: 'List auto-attendant (IVR) menus',
    response: list(ivrMenuViewSchema),
  },
  {
    method: 'post',
    path: '/api/ivr-menus',
    tag: 'ivr-menus',
    summary: 'Create a menu (key → destination options); 409 when the number is taken',
    body: createIvrMenuSchema,
    response: ivrMenuViewSchema,
    status: 201,
  },
  {
    method: 'get',
    path: '/api/ivr-menus/{id}',
    tag: 'ivr-menus',
    summary: 'One menu',
    response: ivrMenuViewSchema,
  },
  {
    method: 'patch',
    path: '/api/ivr-menus/{id}',
    tag: 'ivr-menus',
    summary: 'Edit a menu (options replace the whole key map)',
    body: updateIvrMenuSchema,
    response: ivrMenuViewSchema,
  },
  {
    method: 'delete',
    path: '/api/ivr-menus/{id}',
    tag: 'ivr-menus',
    summary: 'Delete a menu',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/voicemail/boxes',
    tag: 'voicemail',
    summary: 'Every extension with its voicemail box and message counts',
  },
  {
    method: 'put',
    path: '/api/voicemail/boxes/{extensionId}',
    tag: 'voicemail',
    summary: 'Create or update the box of an extension',
    body: voicemailBoxSchema,
  },
  {
    method: 'get',
    path: '/api/voicemail/boxes/{boxId}/messages',
    tag: 'voicemail',
    summary: 'Messages of a box, newest first',
  },
  {
    method: 'patch',
    path: '/api/voicemail/messages/{id}',
    tag: 'voicemail',
    summary: 'Mark heard or unheard',
    body: markHeardSchema,
    status: 204,
  },
  {
    method: 'delete',
    path: '/api/voicemail/messages/{id}',
    tag: 'voicemail',
    summary: 'Delete a message and its recording',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/voicemail/messages/{id}/audio',
    tag: 'voicemail',
    summary: 'The recording (audio/wav)',
  },
  {
    method: 'get',
    path: '/api/calls',
    tag: 'calls',
    summary: 'Call history, newest first, filtered and paginated',
    query: callHistoryQuerySchema,
  },
  {
    method: 'get',
    path: '/api/calls/export.csv',
    tag: 'calls',
    summary: 'Call history as CSV (same filters)',
    query: callFilterSchema,
  },
  {
    method: 'get',
    path: '/api/calls/{id}',
    tag: 'calls',
    summary: 'One call: record, legs with their SIP Call-IDs, plugin, and whether a SIP trace is stored',
  },
  {
    method: 'get',
    path: '/api/calls/{id}/trace',
    tag: 'calls',
    summary: "The call's SIP ladder (columns, arrows) and every message's full text",
  },
  {
    method: 'get',
    path: '/api/calls/{id}/trace.txt',
    tag: 'calls',
    summary: "The call's SIP trace as text (text/plain)",
  },
  {
    method: 'get',
    path: '/api/calls/{id}/trace.pcap',
    tag: 'calls',
    summary: "The call's SIP trace as a pcap file (Wireshark, tshark, sngrep)",
  },
  {
    method: 'get',
    path: '/api/calls/{id}/recording.wav',
    tag: 'calls',
    summary: "The call's recording (audio/wav, stereo: caller left, callee right)",
  },
  {
    method: 'get',
    path: '/api/live/registrations',
    tag: 'live',
    summary: 'Current registrations (from Redis)',
  },
  { method: 'get', path: '/api/live/calls', tag: 'live', summary: 'Active calls (from Redis)' },
  {
    method: 'get',
    path: '/api/live/lamps',
    tag: 'live',
    summary:
      "Each extension's busy lamp (idle, dialling, ringing, busy) with the other parties, from the B2BUA's dialog states",
  },
  {
    method: 'get',
    path: '/api/live/parked',
    tag: 'live',
    summary:
      'Calls waiting in park slots: slot, parked party, who parked it, since when and when it rings the parker back',
  },
  {
    method: 'post',
    path: '/api/live/calls/{id}/hangup',
    tag: 'live',
    summary:
      'End a live call (BYE/CANCEL on every leg); 404 when no signalling process holds it, 503 when none runs, 504 when none answers in 3 s. Admins only',
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
  { method: 'get', path: '/api/tokens', tag: 'auth', summary: 'API tokens (never the tokens themselves)' },
  {
    method: 'post',
    path: '/api/tokens',
    tag: 'auth',
    summary: 'Create an API token; the token is in this response only (session login required)',
    body: createApiTokenSchema,
    status: 201,
  },
  { method: 'delete', path: '/api/tokens/{id}', tag: 'auth', summary: 'Revoke an API token', status: 204 },
  {
    method: 'get',
    path: '/api/admin-users',
    tag: 'admin users',
    summary: 'Users of the admin app with their role (admin, read_only) and state',
    response: list(adminUserViewSchema),
  },
  {
    method: 'post',
    path: '/api/admin-users',
    tag: 'admin users',
    summary: 'Create a user; its one-time password is in this response only (changed at first login)',
    body: createAdminUserSchema,
    status: 201,
  },
  {
    method: 'patch',
    path: '/api/admin-users/{id}',
    tag: 'admin users',
    summary:
      'Change the role and/or disable (logs the user out, its tokens stop) or enable; 409 for the last enabled admin or your own account',
    body: updateAdminUserSchema,
    response: adminUserViewSchema,
  },
  {
    method: 'post',
    path: '/api/admin-users/{id}/reset-password',
    tag: 'admin users',
    summary: 'New one-time password (shown once), lock-out cleared, every session of the user ended',
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

const errorSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    message: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

function operationObject(op: Operation): Record<string, unknown> {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', format: m[1] === 'id' && op.tag === 'plugins' ? undefined : 'uuid' },
  }));
  const queryParams = op.query
    ? Object.entries(op.query.shape).map(([name, s]) => ({
        name,
        in: 'query',
        required: false,
        schema: jsonSchema(s as z.ZodType, 'input'),
      }))
    : [];
  const ok = String(op.status ?? 200);
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.public ? { security: [] } : {}),
    parameters: [...pathParams, ...queryParams],
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [ok]: {
        description: 'Success',
        ...(op.response
          ? { content: { 'application/json': { schema: jsonSchema(op.response, 'output') } } }
          : {}),
      },
      '400': {
        description: 'Invalid input: one message per field',
        content: { 'application/json': { schema: errorSchema } },
      },
      ...(op.public
        ? {}
        : {
            '401': { description: 'Not logged in' },
            '403': {
              description: 'CSRF token missing or invalid, or a read-only user or token changing something',
            },
          }),
      ...(op.method === 'post' || op.method === 'patch'
        ? {
            '409': {
              description: 'Conflict (e.g. number in use)',
              content: { 'application/json': { schema: errorSchema } },
            },
          }
        : {}),
    },
  };
}

/** Descriptions (summary, body/query schemas) of routes that no route declares any more. */
export function staleOperations(routes: readonly Route[]): string[] {
  const declared = new Set(routes.map((r) => `${r.method} ${r.path}`));
  return operations.map((op) => `${op.method} ${op.path}`).filter((key) => !declared.has(key));
}

/**
 * The OpenAPI 3.1 document: its paths are the controllers' routes (Nest metadata, `routesOf`), each
 * described with the same zod schemas that validate its requests.
 */
export function buildOpenApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const described = new Map(operations.map((op) => [`${op.method} ${op.path}`, op]));
  const paths: Record<string, Record<string, unknown>> = {};
  // One operation per declared route: a route nobody described is still listed, marked so the
  // test that compares the document with the routes fails.
  for (const route of routes) {
    const op = described.get(`${route.method} ${route.path}`);
    (paths[route.path] ??= {})[route.method] = op
      ? operationObject(op)
      : {
          summary: '(undocumented)',
          'x-undocumented': true,
          responses: { '200': { description: 'Success' } },
        };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard admin API',
      version: '0.1.0',
      description:
        'Session cookie auth: POST /api/auth/login, then send the returned csrfToken as X-CSRF-Token on every POST/PUT/PATCH/DELETE. ' +
        'Automation: create an API token on the API tokens page and send it as `Authorization: Bearer sbt_…` (no CSRF token; read-only tokens may only GET). ' +
        "Users have the role admin (everything) or read_only (every GET, own password and logout; 403 otherwise); a token never exceeds its creator's role.",
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (sbt_…)' },
      },
    },
    security: [{ session: [], csrf: [] }, { bearer: [] }],
    paths,
  };
}
