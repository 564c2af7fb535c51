import { z } from 'zod';
import type { HttpMethod } from './route-table.js';

/** One route as the document describes it: its summary and the zod schemas that validate it. */
export interface Operation {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  body?: z.ZodType;
  /** A multipart/form-data body of one file in this field (an upload) instead of a JSON body. */
  upload?: string;
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  public?: boolean;
}

/** A list response: `{ items: [...] }`. */
export const list = (item: z.ZodType) => z.object({ items: z.array(item) });

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

/** The OpenAPI operation object of `op`, with the error responses every route may give. */
export function operationObject(op: Operation): Record<string, unknown> {
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
    ...(op.upload
      ? {
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: [op.upload],
                  properties: { [op.upload]: { type: 'string', format: 'binary' } },
                },
              },
            },
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
