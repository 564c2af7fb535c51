import {
  createIvrMenuSchema,
  ivrMenuViewSchema,
  updateIvrMenuSchema,
} from '../../ivr-menus/ivr-menu.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** Auto-attendant (IVR) menus. */
export const ivrMenuOperations: Operation[] = [
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
];
