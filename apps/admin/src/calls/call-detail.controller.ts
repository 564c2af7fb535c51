import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { CallDetailService } from './call-detail.service.js';

/** A call record's id as the B2BUA writes it (a UUID, but any record id up to 255 characters). */
export const callIdParamSchema = z.string().min(1).max(255);

/** A file name part from a call id: only characters every file system and header accepts. */
function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}

@Controller('api/calls')
export class CallDetailController {
  constructor(@Inject(CallDetailService) private readonly calls: CallDetailService) {}

  @Get(':id')
  detail(@Param('id', new ZodValidationPipe(callIdParamSchema)) id: string) {
    return this.calls.detail(id);
  }

  @Get(':id/trace')
  trace(@Param('id', new ZodValidationPipe(callIdParamSchema)) id: string) {
    return this.calls.trace(id);
  }

  @Get(':id/trace.txt')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  async traceText(@Param('id', new ZodValidationPipe(callIdParamSchema)) id: string, @Res() res: Response) {
    const text = await this.calls.text(id);
    res.setHeader('Content-Disposition', `attachment; filename="call-${fileSafe(id)}.txt"`);
    res.send(text);
  }

  /** The call's recording: stereo WAV, caller left, callee right. */
  @Get(':id/recording.wav')
  async recording(@Param('id', new ZodValidationPipe(callIdParamSchema)) id: string, @Res() res: Response) {
    const { stream, size } = await this.calls.recordingAudio(id);
    res.setHeader('Content-Type', 'audio/wav');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `inline; filename="call-${fileSafe(id)}.wav"`);
    stream.pipe(res);
  }

  @Get(':id/trace.pcap')
  async tracePcap(@Param('id', new ZodValidationPipe(callIdParamSchema)) id: string, @Res() res: Response) {
    const pcap = await this.calls.pcap(id);
    res.setHeader('Content-Type', 'application/vnd.tcpdump.pcap');
    res.setHeader('Content-Disposition', `attachment; filename="call-${fileSafe(id)}.pcap"`);
    res.send(pcap);
  }
}
