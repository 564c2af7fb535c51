import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Put, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  markHeardSchema,
  voicemailBoxSchema,
  type MarkHeardInput,
  type VoicemailBoxInput,
} from './voicemail.schemas.js';
import { VoicemailService } from './voicemail.service.js';

@Controller('api/voicemail')
export class VoicemailController {
  constructor(@Inject(VoicemailService) private readonly voicemail: VoicemailService) {}

  @Get('boxes')
  async boxes() {
    return { items: await this.voicemail.boxes() };
  }

  @Put('boxes/:extensionId')
  upsertBox(
    @Param('extensionId', new UuidParamPipe('extensionId')) extensionId: string,
    @Body(new ZodValidationPipe(voicemailBoxSchema)) body: VoicemailBoxInput,
    @Req() req: AdminRequest,
  ) {
    return this.voicemail.upsertBox(actorOf(req), extensionId, body);
  }

  @Get('boxes/:boxId/messages')
  async messages(@Param('boxId', new UuidParamPipe('boxId')) boxId: string) {
    return { items: await this.voicemail.messages(boxId) };
  }

  @Patch('messages/:id')
  @HttpCode(204)
  async markHeard(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(markHeardSchema)) body: MarkHeardInput,
    @Req() req: AdminRequest,
  ): Promise<void> {
    await this.voicemail.markHeard(actorOf(req), id, body.heard);
  }

  @Delete('messages/:id')
  @HttpCode(204)
  async remove(@Param('id', new UuidParamPipe()) id: string, @Req() req: AdminRequest): Promise<void> {
    await this.voicemail.remove(actorOf(req), id);
  }

  @Get('messages/:id/audio')
  async audio(@Param('id', new UuidParamPipe()) id: string, @Res() res: Response): Promise<void> {
    const { stream, size } = await this.voicemail.audio(id);
    res.setHeader('Content-Type', 'audio/wav');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Cache-Control', 'private, no-store');
    stream.pipe(res);
  }
}
