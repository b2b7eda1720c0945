// IP-SUFFIX: the last n bits of the address equal those of the payload
// (`8.8.8.8/24` matches any x.8.8.8); address families must match.
import type { Cond } from '../cond.js';
import type { MatchCtx } from '../ctx.js';
import { emptyAddr, parseAddr, type Addr } from '../ip.js';
import { fail } from './params.js';

function lowMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (2 ** bits - 1) >>> 0;
}

export class IpSuffixCond implements Cond {
  readonly needsProcess = false;
  readonly size = -1;
  readonly needsIp: boolean;
  private readonly masks: number[];
  private readonly want: number[];
  constructor(private readonly a: Addr, readonly bits: number, readonly onSource: boolean) {
    this.needsIp = !onSource;
    if (a.fam === 4) {
      this.masks = [lowMask(bits)];
      this.want = [(a.v4 & this.masks[0]!) >>> 0];
    } else {
      this.masks = [0, 1, 2, 3].map((k) => lowMask(bits - 32 * (3 - k)));
      const w = [a.w0, a.w1, a.w2, a.w3];
      this.want = w.map((x, k) => (x & this.masks[k]!) >>> 0);
    }
  }
  match(c: MatchCtx, swap: boolean): boolean {
    const x = this.onSource !== swap ? c.src : c.dst;
    if (x.fam !== this.a.fam) return false;
    const m = this.masks;
    const w = this.want;
    if (x.fam === 4) return ((x.v4 & m[0]!) >>> 0) === w[0];
    return (
      ((x.w0 & m[0]!) >>> 0) === w[0] &&
      ((x.w1 & m[1]!) >>> 0) === w[1] &&
      ((x.w2 & m[2]!) >>> 0) === w[2] &&
      ((x.w3 & m[3]!) >>> 0) === w[3]
    );
  }
}

export function compileIpSuffix(payload: string, onSource: boolean, where: string): Cond {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(payload.trim());
  const a = emptyAddr();
  const fam = m ? parseAddr(m[1]!, a) : 0;
  const bits = m ? Number(m[2]) : -1;
  const written6 = m ? m[1]!.includes(':') : false;
  if (!m || fam === 0 || (written6 && fam === 4) || bits > (fam === 4 ? 32 : 128)) {
    fail('SY_ERR_RULE_BAD_CIDR', where, payload, 'address/bits, e.g. 8.8.8.8/24');
  }
  return new IpSuffixCond(a, bits, onSource);
}
