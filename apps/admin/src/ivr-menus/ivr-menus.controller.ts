import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createIvrMenuSchema,
  updateIvrMenuSchema,
  type CreateIvrMenuInput,
  type UpdateIvrMenuInput,
} from './ivr-menu.schemas.js';
import { IvrMenusService } from './ivr-menus.service.js';

@Controller('api/ivr-menus')
export class IvrMenusController {
  constructor(@Inject(IvrMenusService) private readonly menus: IvrMenusService) {}

  @Get()
  async list() {
    return { items: await this.menus.list() };
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createIvrMenuSchema)) body: CreateIvrMenuInput,
    @Req() req: AdminRequest,
  ) {
    return this.menus.create(actorOf(req), body);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string) {
    return this.menus.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateIvrMenuSchema)) body: UpdateIvrMenuInput,
    @Req() req: AdminRequest,
  ) {
    return this.menus.update(actorOf(req), id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.menus.remove(actorOf(req), id);
  }
}
