import {
  conferenceRoomViewSchema,
  createConferenceRoomSchema,
  updateConferenceRoomSchema,
} from '../../conference-rooms/conference-room.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** Conference rooms. */
export const conferenceRoomOperations: Operation[] = [
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
];
