import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createTrunkSchema,
  updateTrunkSchema,
  type CreateTrunkInput,
  type UpdateTrunkInput,
} from './trunk.schemas.js';
import { TrunksService } from './trunks.service.js';

@Controller('api/trunks')
export class TrunksController {
  constructor(@Inject(TrunksService) private readonly trunks: TrunksService) {}

  @Get()
  async list() {
    return { items: await this.trunks.list() };
  }

  @Post()
  create(@Body(new ZodValidationPipe(createTrunkSchema)) body: CreateTrunkInput, @Req() req: AdminRequest) {
    return this.trunks.create(actorOf(req), body);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string) {
    return this.trunks.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateTrunkSchema)) body: UpdateTrunkInput,
    @Req() req: AdminRequest,
  ) {
    return this.trunks.update(actorOf(req), id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.trunks.remove(actorOf(req), id);
  }
}
