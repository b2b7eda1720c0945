// DST-PORT / SRC-PORT / IN-PORT: a port list `80/443/1000-2000` (at most 28
// ranges, as mihomo). IN-PORT is the listener's own port.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { fail } from './params.js';

export const MAX_RANGES = 28;

/**
 * Parses `a/b/c-d` into [lo, hi, lo, hi, ...]; null when malformed. `max` is
 * the largest value allowed (65535 for ports, 2^32-1 for uids).
 */
export function parseRanges(s: string, max: number): Int32Array | Float64Array | null {
  const parts = s.trim().split('/');
  if (parts.length === 0 || parts.length > MAX_RANGES) return null;
  const out = new Float64Array(parts.length * 2);
  for (let i = 0; i < parts.length; i++) {
    const m = /^\s*(\d{1,10})\s*(?:-\s*(\d{1,10})\s*)?$/.exec(parts[i]!);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > max || hi > max || lo > hi) return null;
    out[i * 2] = lo;
    out[i * 2 + 1] = hi;
  }
  return out;
}

export function inRanges(r: ArrayLike<number>, x: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (x >= r[i]! && x <= r[i + 1]!) return true;
  return false;
}

export type PortKind = 'dst' | 'src' | 'in';

export class PortCond implements Cond {
  readonly needsIp = false;
  readonly needsProcess = false;
  readonly size = -1;
  constructor(readonly kind: PortKind, readonly ranges: ArrayLike<number>) {}
  match(c: MatchCtx, swap: boolean): boolean {
    const m = c.meta;
    const port = this.kind === 'in' ? m.inboundPort : (this.kind === 'dst') !== swap ? m.dstPort : m.srcPort;
    return inRanges(this.ranges, port);
  }
}

export function compilePort(kind: PortKind, payload: string, where: string): Cond {
  const r = parseRanges(payload, 65535);
  if (!r) fail('SY_ERR_RULE_BAD_PORT', where, payload, `ports 0-65535 as 80, 80/443 or 1000-2000, at most ${MAX_RANGES} ranges`);
  return new PortCond(kind, r);
}
