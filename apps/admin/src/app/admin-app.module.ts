import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { METRICS, ProcessMetrics } from '@switchboard/metrics';
import type { Redis } from 'ioredis';
import { AuditController } from '../audit/audit.controller.js';
import { AuditLogReader } from '../audit/audit-log.reader.js';
import { AuditLogService } from '../audit/audit-log.service.js';
import { AdminUsersController } from '../auth/admin-users.controller.js';
import { AdminUsersService } from '../auth/admin-users.service.js';
import { ApiTokensController } from '../auth/api-tokens.controller.js';
import { ApiTokensService } from '../auth/api-tokens.service.js';
import { AuthController } from '../auth/auth.controller.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { LoginRateLimiter } from '../auth/login-rate-limiter.js';
import { SessionService } from '../auth/session.service.js';
import { CallDetailController } from '../calls/call-detail.controller.js';
import { CallDetailService } from '../calls/call-detail.service.js';
import { CallHistoryController } from '../calls/call-history.controller.js';
import { CallHistoryService } from '../calls/call-history.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import type { PrismaClient } from '../common/db.js';
import { ADMIN_CONTROLLERS, ADMIN_OPTIONS, PRISMA, REDIS } from '../common/tokens.js';
import { ExtensionsController } from '../extensions/extensions.controller.js';
import { ExtensionsService } from '../extensions/extensions.service.js';
import { MusicClassesController } from '../music-on-hold/music-classes.controller.js';
import { FollowMeController } from '../follow-me/follow-me.controller.js';
import { FollowMeService } from '../follow-me/follow-me.service.js';
import { CallHangupService } from '../live/call-hangup.service.js';
import { LiveController } from '../live/live.controller.js';
import { LiveStateReader } from '../live/live-state.reader.js';
import { DocsController } from '../openapi/docs.controller.js';
import { PluginsController } from '../plugins/plugins.controller.js';
import { PluginsService } from '../plugins/plugins.service.js';
import { RingGroupsController } from '../ring-groups/ring-groups.controller.js';
import { RingGroupsService } from '../ring-groups/ring-groups.service.js';
import { SettingsController } from '../settings/settings.controller.js';
import { SettingsService } from '../settings/settings.service.js';
import { TrunksController } from '../trunks/trunks.controller.js';
import { ConferenceRoomsController } from '../conference-rooms/conference-rooms.controller.js';
import { ConferenceRoomsService } from '../conference-rooms/conference-rooms.service.js';
import { IvrMenusController } from '../ivr-menus/ivr-menus.controller.js';
import { IvrMenuGreetingsService } from '../ivr-menus/ivr-menu-greetings.service.js';
import { IvrMenusService } from '../ivr-menus/ivr-menus.service.js';
import { TrunksService } from '../trunks/trunks.service.js';
import { VoicemailController } from '../voicemail/voicemail.controller.js';
import { VoicemailService } from '../voicemail/voicemail.service.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { ProbesController } from './probes.controller.js';

export interface AdminAppDependencies {
  prisma: PrismaClient;
  redis: Redis;
  options: AdminOptions;
  /** The process registry served on the operations port; a private one when absent (tests). */
  metrics?: ProcessMetrics;
}

/** Every controller of the app (also the source of the OpenAPI document's paths). */
export const adminControllers: readonly Type[] = [
  HealthController,
  DocsController,
  AuthController,
  ExtensionsController,
  MusicClassesController,
  FollowMeController,
  RingGroupsController,
  TrunksController,
  ConferenceRoomsController,
  IvrMenusController,
  VoicemailController,
  CallHistoryController,
  // After the history: its `export.csv` must match before `:id`.
  CallDetailController,
  LiveController,
  PluginsController,
  SettingsController,
  AuditController,
  ApiTokensController,
  AdminUsersController,
];

@Module({})
export class AdminAppModule {
  static forRoot(deps: AdminAppDependencies): DynamicModule {
    return {
      module: AdminAppModule,
      // Probes live outside /api and its OpenAPI document (monitors, not API clients, call them).
      controllers: [...adminControllers, ProbesController],
      providers: [
        { provide: ADMIN_CONTROLLERS, useValue: adminControllers },
        { provide: PRISMA, useValue: deps.prisma },
        { provide: REDIS, useValue: deps.redis },
        { provide: ADMIN_OPTIONS, useValue: deps.options },
        { provide: METRICS, useValue: deps.metrics ?? new ProcessMetrics('admin') },
        { provide: APP_GUARD, useClass: AuthGuard },
        AuditLogService,
        AuditLogReader,
        HealthService,
        SessionService,
        ApiTokensService,
        LoginRateLimiter,
        AuthService,
        AdminUsersService,
        ExtensionsService,
        FollowMeService,
        RingGroupsService,
        TrunksService,
        ConferenceRoomsService,
        IvrMenusService,
        IvrMenuGreetingsService,
        VoicemailService,
        CallHistoryService,
        CallDetailService,
        LiveStateReader,
        CallHangupService,
        PluginsService,
        SettingsService,
      ],
    };
  }
}
