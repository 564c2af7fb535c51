import { Controller, Get, Inject } from '@nestjs/common';
import type { AdminOptions } from '../common/admin-options.js';
import { listMusicClasses } from '../common/db.js';
import { ADMIN_OPTIONS } from '../common/tokens.js';

/**
 * The music-on-hold classes an extension may name: the directories of `<data dir>/moh` (shared with
 * the B2BUA), `default` always among them. Files are managed on disk, as with Asterisk's musiconhold.
 */
@Controller('api/music-classes')
export class MusicClassesController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'dataDir'>) {}

  @Get()
  async list() {
    return { items: await listMusicClasses(this.options.dataDir) };
  }
}
