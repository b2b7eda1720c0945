// UID: the owning process's uid lies in a range list (`1000/1002-1010`).
// uid 0 (root) never matches, as in mihomo; a list naming 0 gets a warning.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';
import { MAX_RANGES, inRanges, parseRanges } from './port.js';

export class UidCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = true;
  readonly size = -1;
  constructor(private readonly ranges: ArrayLike<number>) {}
  match(c: MatchCtx): boolean {
    const u = c.meta.uid;
    return u !== undefined && u !== 0 && inRanges(this.ranges, u);
  }
}

/** The compiled condition, and whether the list names uid 0 (which never matches). */
export function compileUid(payload: string, where: string): { cond: Cond; namesRoot: boolean } {
  const r = parseRanges(payload, 0xffffffff);
  if (!r) fail('SY_ERR_RULE_BAD_UID', where, payload, `uids as 1000, 1000/1001 or 1000-2000, at most ${MAX_RANGES} ranges`);
  return { cond: new UidCond(r), namesRoot: inRanges(r, 0) };
}
