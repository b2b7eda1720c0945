// DOMAIN-KEYWORD entries of a rule set: one pass over the host. A handful of
// keywords are tested with includes(); more are combined into one alternation
// regex, which V8 scans in a single pass.
export class KeywordSet {
  private readonly words: string[] = [];
  private re: RegExp | null = null;

  get size(): number {
    return this.words.length;
  }

  add(word: string): void {
    this.words.push(word.toLowerCase());
    this.re = null;
  }

  build(): this {
    if (this.words.length > 8) {
      const esc = this.words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.re = new RegExp(esc.join('|'));
    }
    return this;
  }

  has(host: string): boolean {
    if (!host) return false;
    if (this.re) return this.re.test(host);
    for (const w of this.words) if (host.includes(w)) return true;
    return false;
  }
}
