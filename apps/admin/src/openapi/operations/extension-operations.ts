import {
  createExtensionSchema,
  extensionViewSchema,
  listExtensionsQuerySchema,
  setSipPasswordSchema,
  updateExtensionSchema,
} from '../../extensions/extension.schemas.js';
import { followMeSchema, followMeViewSchema } from '../../follow-me/follow-me.schemas.js';
import { markHeardSchema, voicemailBoxSchema } from '../../voicemail/voicemail.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** Extensions with their follow-me and voicemail boxes. */
export const extensionOperations: Operation[] = [
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
    summary:
      'Edit, enable or disable; set or clear the voicemail PIN; mohClass must name a class of GET /api/music-classes (400 otherwise)',
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
];
