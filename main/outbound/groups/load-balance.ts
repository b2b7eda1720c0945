// load-balance: consistent hashing by destination (host, else IP) with
// rendezvous (highest-random-weight) hashing over the usable members: the
// same destination keeps its member, and a dead member's destinations move
// while everyone else's stay.
import type { Metadata } from '../../core/metadata.js';
import { GroupBase, type Member } from './group.js';

export class LoadBalanceGroup extends GroupBase {
  readonly type = 'LoadBalance' as const;

  now(): string {
    return '';
  }

  protected choose(meta: Metadata, depth: number): Member | undefined {
    const key = meta.host || meta.dstIP;
    let best: Member | undefined;
    let bestScore = -1;
    for (const n of this.members) {
      const m = this.deps.lookup(n);
      if (!this.usable(m, depth)) continue;
      const score = fnv1a(`${key}\u0000${n}`);
      if (score > bestScore) {
        best = m;
        bestScore = score;
      }
    }
    return best;
  }
}

/** 32-bit FNV-1a, then an avalanche step so close keys spread. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
