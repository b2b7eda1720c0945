// DSCP: the DSCP field (0-63) of the packet, as `a/b/c-d` ranges. Only the
// TPROXY UDP inbound reads it (IP_RECVTOS); everything else has no DSCP and
// never matches.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { inRanges, parseRanges, MAX_RANGES } from './port.js';
import { fail } from './params.js';

export class DscpCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  constructor(readonly ranges: ArrayLike<number>) {}
  match(c: MatchCtx): boolean {
    const d = c.meta.dscp;
    return d !== undefined && inRanges(this.ranges, d);
  }
}

export function compileDscp(payload: string, where: string): Cond {
  const r = parseRanges(payload, 63);
  if (!r) fail('SY_ERR_RULE_BAD_DSCP', where, payload, `DSCP values 0-63 as 46, 10/46 or 8-15, at most ${MAX_RANGES} ranges`);
  return new DscpCond(r);
}
