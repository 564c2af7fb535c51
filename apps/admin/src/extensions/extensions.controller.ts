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
import { LiveStateReader } from '../live/live-state.reader.js';
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
  constructor(
    @Inject(ExtensionsService) private readonly extensions: ExtensionsService,
    @Inject(LiveStateReader) private readonly live: LiveStateReader,
  ) {}

  /** With each extension's current registrations (from Redis), for the list's online column. */
  @Get()
  async list(@Query(new ZodValidationPipe(listExtensionsQuerySchema)) query: ListExtensionsQuery) {
    const [items, bindings] = await Promise.all([this.extensions.list(query), this.live.registrations()]);
    const counts = new Map<string, number>();
    for (const b of bindings) {
      const user = /^sips?:([^@;]+)@/.exec(b.aor)?.[1];
      if (user !== undefined) counts.set(user, (counts.get(user) ?? 0) + 1);
    }
    return { items: items.map((e) => ({ ...e, registrations: counts.get(e.number) ?? 0 })) };
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
