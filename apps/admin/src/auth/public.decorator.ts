import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'switchboard:public';

/** Marks a route that needs no session (login, health, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
