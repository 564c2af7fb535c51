import { Global, Module } from '@nestjs/common';
import { IvrService } from './ivr.service.js';
import { MENU_APPS } from './menu-apps.js';

/** Auto-attendant menus of the signalling role: provides MENU_APPS to call control. */
@Global()
@Module({
  providers: [IvrService, { provide: MENU_APPS, useExisting: IvrService }],
  exports: [MENU_APPS],
})
export class IvrModule {}
