/** The admin API's resources as the UI reads them, one file per resource. */
export type * from './auth.types';
export type * from './extension.types';
export type * from './ring-group.types';
export type * from './voicemail.types';
export type * from './call-history.types';
export type * from './page.types';
export type * from './live.types';
export type * from './plugin.types';
export type * from './audit.types';
export type * from './status.types';
export type * from './trunk.types';
export type * from './conference-room.types';
export type * from './ivr-menu.types';
