import { Inject, Injectable } from '@nestjs/common';
import { ExtensionRepository } from '../repositories/extension.repository.js';

/** A kind of resource besides extensions that phones may watch (e.g. call park slots). */
export type ResourceKind = (resource: string) => boolean | Promise<boolean>;

/**
 * What a dialog subscription may watch: the extensions of this PBX, and whatever other call-control
 * modules register (park slots: the park module registers its slot numbers here and writes their
 * dialogs through DialogStateStore like a call session does).
 */
@Injectable()
export class WatchableResources {
  private readonly kinds: ResourceKind[] = [];

  constructor(@Inject(ExtensionRepository) private readonly extensions: ExtensionRepository) {}

  register(kind: ResourceKind): void {
    this.kinds.push(kind);
  }

  async watchable(resource: string): Promise<boolean> {
    if ((await this.extensions.findInfo(resource)) !== undefined) return true;
    for (const kind of this.kinds) if (await kind(resource)) return true;
    return false;
  }
}
