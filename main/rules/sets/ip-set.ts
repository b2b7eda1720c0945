// A set of IP prefixes merged into sorted, disjoint ranges and searched with
// binary search: IPv4 as uint32 pairs, IPv6 as 4+4 uint32 words per range.
import { cmp6, type Addr, type Prefix } from '../ip.js';

export class IpSet {
  /** [lo0, hi0, lo1, hi1, ...] */
  private v4 = new Uint32Array(0);
  /** per range: lo w0..w3, hi w0..w3 */
  private v6 = new Uint32Array(0);
  private pending: Prefix[] = [];
  /** Prefixes added (before merging). */
  size = 0;

  add(p: Prefix): void {
    this.pending.push(p);
    this.size++;
  }

  /** Sorts and merges what was added; call once before matching. */
  build(): this {
    const p4 = this.pending.filter((p) => p.fam === 4).sort((a, b) => a.lo4 - b.lo4);
    const r4: number[] = [];
    for (const p of p4) {
      const n = r4.length;
      if (n > 0 && p.lo4 <= r4[n - 1]! + 1) {
        if (p.hi4 > r4[n - 1]!) r4[n - 1] = p.hi4;
      } else r4.push(p.lo4, p.hi4);
    }
    this.v4 = Uint32Array.from(r4);
    const p6 = this.pending
      .filter((p) => p.fam === 6)
      .sort((a, b) => cmp6(a.lo6[0], a.lo6[1], a.lo6[2], a.lo6[3], b.lo6[0], b.lo6[1], b.lo6[2], b.lo6[3]));
    const r6: number[][] = [];
    for (const p of p6) {
      const last = r6[r6.length - 1];
      // Merge overlapping ranges (adjacent ones stay separate; harmless).
      if (last && cmp6(p.lo6[0], p.lo6[1], p.lo6[2], p.lo6[3], last[4]!, last[5]!, last[6]!, last[7]!) <= 0) {
        if (cmp6(p.hi6[0], p.hi6[1], p.hi6[2], p.hi6[3], last[4]!, last[5]!, last[6]!, last[7]!) > 0) {
          last[4] = p.hi6[0];
          last[5] = p.hi6[1];
          last[6] = p.hi6[2];
          last[7] = p.hi6[3];
        }
      } else r6.push([...p.lo6, ...p.hi6]);
    }
    this.v6 = Uint32Array.from(r6.flat());
    this.pending = [];
    return this;
  }

  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  has(a: Addr): boolean {
    if (a.fam === 4) {
      const r = this.v4;
      const x = a.v4;
      let lo = 0;
      let hi = (r.length >> 1) - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (x < r[mid * 2]!) hi = mid - 1;
        else if (x > r[mid * 2 + 1]!) lo = mid + 1;
        else return true;
      }
      return false;
    }
    if (a.fam === 6) {
      const r = this.v6;
      let lo = 0;
      let hi = (r.length >> 3) - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const b = mid * 8;
        if (cmp6(a.w0, a.w1, a.w2, a.w3, r[b]!, r[b + 1]!, r[b + 2]!, r[b + 3]!) < 0) hi = mid - 1;
        else if (cmp6(a.w0, a.w1, a.w2, a.w3, r[b + 4]!, r[b + 5]!, r[b + 6]!, r[b + 7]!) > 0) lo = mid + 1;
        else return true;
      }
    }
    return false;
  }
}
