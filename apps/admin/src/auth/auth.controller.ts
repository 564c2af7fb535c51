import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ADMIN_OPTIONS } from '../common/tokens.js';
import type { AdminOptions } from '../common/admin-options.js';
import { clientIp, principalOf, type AdminRequest } from '../common/request-context.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  changePasswordSchema,
  loginSchema,
  type ChangePasswordInput,
  type LoginInput,
} from './admin-user.schemas.js';
import { AuthService } from './auth.service.js';
import { clearedSessionCookie, sessionCookie } from './cookies.js';
import { Public } from './public.decorator.js';
import { SessionService } from './session.service.js';

@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body(new ZodValidationPipe(loginSchema)) body: LoginInput,
    @Req() req: AdminRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const session = await this.auth.login(
      body.username,
      body.password,
      clientIp(req),
      req.headers['user-agent'],
    );
    res.setHeader(
      'Set-Cookie',
      sessionCookie(session.token, Math.floor(this.options.sessionTtlMs / 1000), this.options.secureCookies),
    );
    return {
      username: body.username,
      role: session.role,
      csrfToken: session.csrfToken,
      mustChangePassword: session.mustChangePassword,
    };
  }

  @Get('session')
  session(@Req() req: AdminRequest) {
    const p = principalOf(req);
    return {
      username: p.username,
      role: p.role,
      csrfToken: p.csrfToken,
      mustChangePassword: p.mustChangePassword,
    };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: AdminRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.destroy(principalOf(req).sessionId);
    res.setHeader('Set-Cookie', clearedSessionCookie(this.options.secureCookies));
  }

  @Post('password')
  @HttpCode(204)
  async changePassword(
    @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordInput,
    @Req() req: AdminRequest,
  ): Promise<void> {
    await this.auth.changePassword(principalOf(req), body.currentPassword, body.newPassword, clientIp(req));
  }
}
