import { musicClassViewSchema } from '../../music-on-hold/music-class.schemas.js';
import { list, type Operation } from '../openapi-operation.js';

/** Music-on-hold classes (read only: the files are managed in the data directory). */
export const musicClassOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/music-classes',
    tag: 'music-on-hold',
    summary:
      'Music-on-hold classes an extension may name (mohClass): the directories of <data dir>/moh with their WAV count, default always among them',
    response: list(musicClassViewSchema),
  },
];
