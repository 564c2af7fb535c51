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
  Put,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
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
import {
  IvrMenuGreetingsService,
  MAX_GREETING_BYTES,
  type GreetingUpload,
} from './ivr-menu-greetings.service.js';
import { IvrMenusService } from './ivr-menus.service.js';

/** One file in the multipart field `file`, held in memory (at most MAX_GREETING_BYTES, else 413). */
const greetingUpload = FileInterceptor('file', {
  limits: { fileSize: MAX_GREETING_BYTES, files: 1, fields: 0, parts: 2 },
});

@Controller('api/ivr-menus')
export class IvrMenusController {
  constructor(
    @Inject(IvrMenusService) private readonly menus: IvrMenusService,
    @Inject(IvrMenuGreetingsService) private readonly greetings: IvrMenuGreetingsService,
  ) {}

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

  /** Uploads or replaces the greeting (multipart/form-data, field `file`, a WAV); the menu as it is now. */
  @Put(':id/greeting')
  @UseInterceptors(greetingUpload)
  async uploadGreeting(
    @Param('id', new UuidParamPipe()) id: string,
    @UploadedFile() file: GreetingUpload | undefined,
    @Req() req: AdminRequest,
  ) {
    await this.greetings.upload(actorOf(req), id, file);
    return this.menus.get(id);
  }

  @Get(':id/greeting.wav')
  async greeting(@Param('id', new UuidParamPipe()) id: string, @Res() res: Response): Promise<void> {
    const { stream, size } = await this.greetings.audio(id);
    res.setHeader('Content-Type', 'audio/wav');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Cache-Control', 'private, no-store');
    stream.pipe(res);
  }

  /** Back to the built-in tone greeting. */
  @Delete(':id/greeting')
  @HttpCode(204)
  async removeGreeting(
    @Param('id', new UuidParamPipe()) id: string,
    @Req() req: AdminRequest,
  ): Promise<void> {
    await this.greetings.remove(actorOf(req), id);
  }
}
