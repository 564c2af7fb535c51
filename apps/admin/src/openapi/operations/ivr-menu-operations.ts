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
  {
    method: 'put',
    path: '/api/ivr-menus/{id}/greeting',
    tag: 'ivr-menus',
    summary:
      'Upload or replace the greeting: a WAV in the multipart field `file` (at most 10 MiB). 16-bit PCM, µ-law or A-law; other rates (8-48 kHz) are resampled and stereo mixed to mono, stored as 8 kHz mono PCM; anything else is refused with 400 and the reason',
    upload: 'file',
    response: ivrMenuViewSchema,
  },
  {
    method: 'get',
    path: '/api/ivr-menus/{id}/greeting.wav',
    tag: 'ivr-menus',
    summary:
      'The uploaded greeting (audio/wav, 8 kHz mono 16-bit PCM); 404 when the menu plays the built-in tones',
  },
  {
    method: 'delete',
    path: '/api/ivr-menus/{id}/greeting',
    tag: 'ivr-menus',
    summary: 'Remove the uploaded greeting (the built-in tones play again)',
    status: 204,
  },
];
