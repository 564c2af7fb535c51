import {
  createRingGroupSchema,
  ringGroupViewSchema,
  updateRingGroupSchema,
} from '../../ring-groups/ring-group.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** Ring groups. */
export const ringGroupOperations: Operation[] = [
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
];
