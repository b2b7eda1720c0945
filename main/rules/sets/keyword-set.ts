// DOMAIN-KEYWORD entries of a rule set (an OR): one pass over the host
// through a KeywordIndex.
import { KeywordIndex } from './keyword-index.js';

export class KeywordSet {
  private readonly index = new KeywordIndex();
  /** The keywords, in insertion order (lower case). */
  readonly words: string[] = [];

  get size(): number {
    return this.index.size;
  }

  add(word: string): void {
    const w = word.toLowerCase();
    this.index.add(w, 0);
    this.words.push(w);
  }

  build(): this {
    return this;
  }

  has(host: string): boolean {
    return host !== '' && this.index.size > 0 && this.index.first(host, 1) === 0;
  }
}
