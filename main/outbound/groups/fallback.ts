// fallback: the first usable member in order (alive by its last health check).
import type { Metadata } from '../../core/metadata.js';
import { GroupBase, type Member } from './group.js';

export class FallbackGroup extends GroupBase {
  readonly type = 'Fallback' as const;

  now(): string {
    return this.choose(undefined, 0)?.name ?? '';
  }

  protected choose(_meta: Metadata | undefined, depth: number): Member | undefined {
    for (const n of this.members) {
      const m = this.deps.lookup(n);
      if (this.usable(m, depth)) return m;
    }
    return undefined;
  }
}
