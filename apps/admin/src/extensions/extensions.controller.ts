import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createExtensionSchema,
  listExtensionsQuerySchema,
  setSipPasswordSchema,
  updateExtensionSchema,
  type CreateExtensionInput,
  type ListExtensionsQuery,
  type SetSipPasswordInput,
  type UpdateExtensionInput,
} from './extension.schemas.js';
import { ExtensionsService } from './extensions.service.js';

@Controller('api/extensions')
export class ExtensionsController {
  constructor(@Inject(ExtensionsService) private readonly extensions: ExtensionsService) {}

  @Get()
  async list(@Query(new ZodValidationPipe(listExtensionsQuerySchema)) query: ListExtensionsQuery) {
    return { items: await this.extensions.list(query) };
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createExtensionSchema)) body: CreateExtensionInput,
    @Req() req: AdminRequest,
  ) {
    return this.extensions.create(actorOf(req), body);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string) {
    return this.extensions.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateExtensionSchema)) body: UpdateExtensionInput,
    @Req() req: AdminRequest,
  ) {
    return this.extensions.update(actorOf(req), id, body);
  }

  @Post(':id/sip-password')
  @HttpCode(200)
  async setSipPassword(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(setSipPasswordSchema)) body: SetSipPasswordInput,
    @Req() req: AdminRequest,
  ) {
    return { sipPassword: await this.extensions.setSipPassword(actorOf(req), id, body.password) };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.extensions.remove(actorOf(req), id);
  }
}
