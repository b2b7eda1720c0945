// Finds which of several keywords occur in a host, in one pass: a 64 Kbit
// table of the keywords' first two characters filters the positions, and only
// there are the candidate keywords compared. Used by rule segments (smallest
// rule index wins) and by keyword sets of classical providers.
export class KeywordIndex {
  private readonly pairs = new Int32Array(2048); // 65536 bits
  /** first two chars (c0 << 8 | c1, both < 256) → keywords with their rule index, ascending */
  private readonly byPair = new Map<number, { kw: string; idx: number }[]>();
  /** one-character keywords, checked with includes() */
  private readonly single: { kw: string; idx: number }[] = [];
  size = 0;

  add(kw: string, idx: number): void {
    this.size++;
    if (kw.length < 2 || kw.charCodeAt(0) > 255 || kw.charCodeAt(1) > 255) {
      this.single.push({ kw, idx });
      return;
    }
    const key = (kw.charCodeAt(0) << 8) | kw.charCodeAt(1);
    this.pairs[key >>> 5]! |= 1 << (key & 31);
    let list = this.byPair.get(key);
    if (!list) this.byPair.set(key, (list = []));
    list.push({ kw, idx });
  }

  /** Smallest index of a keyword occurring in `host` that is below `best`; else `best`. */
  first(host: string, best: number): number {
    for (const s of this.single) {
      if (s.idx >= best) break;
      if (host.includes(s.kw)) {
        best = s.idx;
        break;
      }
    }
    const pairs = this.pairs;
    const end = host.length - 1;
    let c0 = host.charCodeAt(0);
    for (let i = 0; i < end; i++) {
      const c1 = host.charCodeAt(i + 1);
      const key = ((c0 & 255) << 8) | (c1 & 255);
      c0 = c1;
      if ((pairs[key >>> 5]! & (1 << (key & 31))) === 0) continue;
      const list = this.byPair.get(key);
      if (!list) continue;
      for (const k of list) {
        if (k.idx >= best) break;
        if (host.startsWith(k.kw, i)) best = k.idx;
      }
    }
    return best;
  }
}
