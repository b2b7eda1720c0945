// DOMAIN-KEYWORD entries of a rule set (an OR): one pass over the host
// through a KeywordIndex.
import { KeywordIndex } from './keyword-index.js';

export class KeywordSet {
  private readonly index = new KeywordIndex();

  get size(): number {
    return this.index.size;
  }

  add(word: string): void {
    this.index.add(word.toLowerCase(), 0);
  }

  build(): this {
    return this;
  }

  has(host: string): boolean {
    return host !== '' && this.index.size > 0 && this.index.first(host, 1) === 0;
  }
}
