// url-test: the member with the lowest measured delay. The current choice is
// kept until another member is faster by more than `tolerance` ms, so the
// group does not flap. Before any test: the first usable member. A member
// pinned by hand (pinnable.ts) wins while it is usable.
import type { Metadata } from '../../core/metadata.js';
import type { Member } from './group.js';
import { PinnableGroup } from './pinnable.js';

export class UrlTestGroup extends PinnableGroup {
  readonly type = 'URLTest' as const;
  private current = '';

  now(): string {
    const m = this.choose(undefined, 0);
    return m?.name ?? '';
  }

  protected choose(_meta: Metadata | undefined, depth: number): Member | undefined {
    const pinned = this.pinnedMember(depth);
    if (pinned) return pinned;
    const cur = this.current && this.members.includes(this.current) ? this.deps.lookup(this.current) : undefined;
    if (cur && this.usable(cur, depth)) return cur;
    // current died or never chosen: re-choose now
    this.current = this.fastest(depth) ?? '';
    if (this.current) return this.deps.lookup(this.current);
    const first = this.members.find((n) => this.usable(this.deps.lookup(n), depth));
    this.current = first ?? '';
    return first === undefined ? undefined : this.deps.lookup(first);
  }

  protected override afterCheck(): void {
    const best = this.fastest(0);
    if (!best) return;
    const cur = this.current && this.members.includes(this.current) ? this.deps.lookup(this.current) : undefined;
    const curDelay = cur?.health?.lastDelay;
    const bestDelay = this.deps.lookup(best)?.health?.lastDelay ?? Infinity;
    if (cur && this.usable(cur, 0) && curDelay !== undefined && curDelay <= bestDelay + this.cfg.tolerance) return;
    this.current = best;
  }

  /** The usable member with the lowest last delay; undefined when none was measured. */
  private fastest(depth: number): string | undefined {
    let best: string | undefined;
    let bestDelay = Infinity;
    for (const n of this.members) {
      const m = this.deps.lookup(n);
      const d = m?.health?.lastDelay;
      if (d === undefined || !this.usable(m, depth)) continue;
      if (d < bestDelay) {
        best = n;
        bestDelay = d;
      }
    }
    return best;
  }
}
