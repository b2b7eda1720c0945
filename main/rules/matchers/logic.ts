// AND / OR / NOT: `AND,((DOMAIN,baidu.com),(NETWORK,UDP)),X`. Sub-rules have
// no target, may nest, and may not be MATCH or SUB-RULE; NOT takes exactly
// one. A sub-rule with `no-resolve` does not make the whole rule resolve.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export type LogicOp = 'AND' | 'OR' | 'NOT';

export interface LogicPart {
  readonly cond: Cond;
  /** The part may trigger resolution (reads dst IP, no `no-resolve`). */
  readonly resolves: boolean;
}

export class LogicCond implements Cond {
  readonly needsIp: boolean;
  readonly needsProcess: boolean;
  readonly size = -1;
  private readonly conds: Cond[];
  constructor(readonly op: LogicOp, parts: readonly LogicPart[]) {
    this.conds = parts.map((p) => p.cond);
    this.needsIp = parts.some((p) => p.resolves);
    this.needsProcess = parts.some((p) => p.cond.needsProcess);
  }
  match(c: MatchCtx, swap: boolean): boolean {
    const cs = this.conds;
    if (this.op === 'NOT') return !cs[0]!.match(c, swap);
    if (this.op === 'AND') {
      for (const x of cs) if (!x.match(c, swap)) return false;
      return true;
    }
    for (const x of cs) if (x.match(c, swap)) return true;
    return false;
  }
}

/**
 * Splits `((A,x),(B,y))` into [`A,x`, `B,y`]. Parentheses must balance and
 * the payload must be one parenthesised list of parenthesised sub-rules.
 */
export function splitLogicPayload(op: LogicOp, payload: string, where: string): string[] {
  const p = payload.trim();
  const bad = (detail: string): never =>
    fail('SY_ERR_RULE_BAD_LOGIC', where, payload, `${op},((TYPE,payload),(TYPE,payload)),target`, detail);
  if (!p.startsWith('(') || !p.endsWith(')')) bad('the payload must be wrapped in parentheses');
  let depth = 0;
  for (const ch of p) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) bad('unbalanced parentheses');
  }
  if (depth !== 0) bad('unbalanced parentheses');
  const inner = p.slice(1, -1);
  const subs: string[] = [];
  let i = 0;
  while (i < inner.length) {
    const ch = inner[i]!;
    if (ch === ',' || ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch !== '(') bad(`unexpected "${ch}" between sub-rules; each sub-rule is written (TYPE,payload)`);
    let d = 0;
    let j = i;
    for (; j < inner.length; j++) {
      if (inner[j] === '(') d++;
      else if (inner[j] === ')' && --d === 0) break;
    }
    if (j >= inner.length) bad('unbalanced parentheses');
    const sub = inner.slice(i + 1, j).trim();
    if (!sub) bad('an empty sub-rule "()"');
    subs.push(sub);
    i = j + 1;
  }
  if (subs.length === 0) bad('no sub-rules');
  if (op === 'NOT' && subs.length !== 1) bad(`NOT takes exactly one sub-rule, got ${subs.length}`);
  return subs;
}
