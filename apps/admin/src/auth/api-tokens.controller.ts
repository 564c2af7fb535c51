import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import { principalOf, type AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { createApiTokenSchema, type CreateApiTokenInput } from './api-token.schemas.js';
import { ApiTokensService } from './api-tokens.service.js';

/** Managed from a logged-in browser session only (the auth guard refuses tokens here). */
@Controller('api/tokens')
export class ApiTokensController {
  constructor(@Inject(ApiTokensService) private readonly tokens: ApiTokensService) {}

  @Get()
  async list() {
    return { items: await this.tokens.list() };
  }

  /** The token is in this response only. */
  @Post()
  create(
    @Body(new ZodValidationPipe(createApiTokenSchema)) body: CreateApiTokenInput,
    @Req() req: AdminRequest,
  ) {
    return this.tokens.create({ ...actorOf(req), id: principalOf(req).userId }, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.tokens.revoke(actorOf(req), id);
  }
}
