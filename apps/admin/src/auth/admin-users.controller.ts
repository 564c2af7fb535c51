import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createAdminUserSchema,
  updateAdminUserSchema,
  type CreateAdminUserInput,
  type UpdateAdminUserInput,
} from './admin-user.schemas.js';
import { AdminUsersService } from './admin-users.service.js';

/** Users of the admin app itself. Reading needs a login; every change needs the `admin` role (guard). */
@Controller('api/admin-users')
export class AdminUsersController {
  constructor(@Inject(AdminUsersService) private readonly users: AdminUsersService) {}

  @Get()
  async list() {
    return { items: await this.users.list() };
  }

  /** The one-time password is in this response only; it must be changed at the first login. */
  @Post()
  create(
    @Body(new ZodValidationPipe(createAdminUserSchema)) body: CreateAdminUserInput,
    @Req() req: AdminRequest,
  ) {
    return this.users.create(actorOf(req), body.username, undefined, body.role);
  }

  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateAdminUserSchema)) body: UpdateAdminUserInput,
    @Req() req: AdminRequest,
  ) {
    return this.users.update(actorOf(req), id, body);
  }

  /** A new one-time password (shown once), the lock-out cleared and every session ended. */
  @Post(':id/reset-password')
  @HttpCode(200)
  async resetPassword(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest) {
    return { oneTimePassword: await this.users.resetPassword(actorOf(req), id) };
  }
}
