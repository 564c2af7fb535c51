import { createTrunkSchema, trunkViewSchema, updateTrunkSchema } from '../../trunks/trunk.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** SIP trunks. */
export const trunkOperations: Operation[] = [
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
];
