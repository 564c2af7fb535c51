import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createConferenceRoomSchema,
  updateConferenceRoomSchema,
  type CreateConferenceRoomInput,
  type UpdateConferenceRoomInput,
} from './conference-room.schemas.js';
import { ConferenceRoomsService } from './conference-rooms.service.js';

@Controller('api/conference-rooms')
export class ConferenceRoomsController {
  constructor(@Inject(ConferenceRoomsService) private readonly rooms: ConferenceRoomsService) {}

  @Get()
  async list() {
    return { items: await this.rooms.list() };
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createConferenceRoomSchema)) body: CreateConferenceRoomInput,
    @Req() req: AdminRequest,
  ) {
    return this.rooms.create(actorOf(req), body);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string) {
    return this.rooms.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(updateConferenceRoomSchema)) body: UpdateConferenceRoomInput,
    @Req() req: AdminRequest,
  ) {
    return this.rooms.update(actorOf(req), id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.rooms.remove(actorOf(req), id);
  }
}
