// fallback: the first usable member in order (alive by its last health check);
// a member pinned by hand (pinnable.ts) wins while it is usable.
import type { Metadata } from '../../core/metadata.js';
import type { Member } from './group.js';
import { PinnableGroup } from './pinnable.js';

export class FallbackGroup extends PinnableGroup {
  readonly type = 'Fallback' as const;

  now(): string {
    return this.choose(undefined, 0)?.name ?? '';
  }

  protected choose(_meta: Metadata | undefined, depth: number): Member | undefined {
    const pinned = this.pinnedMember(depth);
    if (pinned) return pinned;
    for (const n of this.members) {
      const m = this.deps.lookup(n);
      if (this.usable(m, depth)) return m;
    }
    return undefined;
  }
}
