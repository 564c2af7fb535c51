import type { Route } from './route-table.js';
import { operationObject, type Operation } from './openapi-operation.js';
import { authOperations } from './operations/auth-operations.js';
import { callOperations } from './operations/call-operations.js';
import { conferenceRoomOperations } from './operations/conference-room-operations.js';
import { extensionOperations } from './operations/extension-operations.js';
import { ivrMenuOperations } from './operations/ivr-menu-operations.js';
import { musicClassOperations } from './operations/music-class-operations.js';
import { ringGroupOperations } from './operations/ring-group-operations.js';
import { systemOperations } from './operations/system-operations.js';
import { trunkOperations } from './operations/trunk-operations.js';

/** Every described route, one file per resource under operations/. */
const operations: Operation[] = [
  ...systemOperations,
  ...authOperations,
  ...extensionOperations,
  ...musicClassOperations,
  ...ringGroupOperations,
  ...trunkOperations,
  ...conferenceRoomOperations,
  ...ivrMenuOperations,
  ...callOperations,
];

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
