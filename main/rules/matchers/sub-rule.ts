// SUB-RULE: `SUB-RULE,(condition),name`. When the condition holds, the rules
// of `sub-rules.name` are tried in order (first match wins; a nested SUB-RULE
// that finds nothing continues in its parent list, as mihomo's
// matchSubRules). When nothing in the list matches, the main list goes on.
// The matched rule's target is left in MatchCtx.subTarget for the engine.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';

/** One compiled rule of a sub-rule list. */
export interface SubEntry {
  readonly cond: Cond;
  readonly target: string;
  readonly noResolve: boolean;
}

export class SubRuleCond implements Cond {
  readonly needsIp: boolean;
  readonly needsProcess: boolean;
  readonly size = -1;
  constructor(
    readonly name: string,
    private readonly cond: Cond,
    condResolves: boolean,
    private readonly list: readonly SubEntry[],
  ) {
    // The engine resolves / looks up the process before this rule when the
    // condition or any rule of the list may need it (mihomo's ShouldResolveIP
    // of a SubRules rule is the OR over its rules).
    this.needsIp = condResolves || list.some((e) => e.cond.needsIp && !e.noResolve);
    this.needsProcess = cond.needsProcess || list.some((e) => e.cond.needsProcess);
  }

  match(c: MatchCtx, swap: boolean): boolean {
    if (!this.cond.match(c, swap)) return false;
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (!e.cond.match(c, false)) continue;
      if (!(e.cond instanceof SubRuleCond)) c.subTarget = e.target;
      return true; // a nested SubRuleCond matched and set subTarget itself
    }
    return false;
  }
}
