import { Body, Controller, Get, Inject, Param, Put, Req } from '@nestjs/common';
import { actorOf } from '../common/actor.js';
import type { AdminRequest } from '../common/request-context.js';
import { UuidParamPipe } from '../common/uuid-param.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { followMeSchema, type FollowMeInput } from './follow-me.schemas.js';
import { FollowMeService } from './follow-me.service.js';

@Controller('api/extensions/:id/follow-me')
export class FollowMeController {
  constructor(@Inject(FollowMeService) private readonly followMe: FollowMeService) {}

  @Get()
  get(@Param('id', new UuidParamPipe()) id: string) {
    return this.followMe.get(id);
  }

  @Put()
  replace(
    @Param('id', new UuidParamPipe()) id: string,
    @Body(new ZodValidationPipe(followMeSchema)) body: FollowMeInput,
    @Req() req: AdminRequest,
  ) {
    return this.followMe.replace(actorOf(req), id, body);
  }
}
