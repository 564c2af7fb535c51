import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createRingGroupSchema,
  updateRingGroupSchema,
  type CreateRingGroupInput,
  type UpdateRingGroupInput,
} from './ring-group.schemas.js';
import { RingGroupsService } from './ring-groups.service.js';

@Controller('api/ring-groups')
export class RingGroupsController {
  constructor(@Inject(RingGroupsService) private readonly ringGroups: RingGroupsService) {}

  @Get()
  async list() {
    return { items: await this.ringGroups.list() };
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createRingGroupSchema)) body: CreateRingGroupInput,
    @Req() req: AdminRequest,
  ) {
    return this.ringGroups.create(actorOf(req), body);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string) {
    return this.ringGroups.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateRingGroupSchema)) body: UpdateRingGroupInput,
    @Req() req: AdminRequest,
  ) {
    return this.ringGroups.update(actorOf(req), id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.ringGroups.remove(actorOf(req), id);
  }
}
