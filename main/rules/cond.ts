// A compiled rule condition: what one rule (without its target) tests.
import type { MatchCtx } from './ctx.js';

export interface Cond {
  /** Reads the destination IP (so it may trigger lazy resolution unless `no-resolve`). */
  readonly needsIp: boolean;
  /** Reads uid/process (process lookup per find-process-mode). */
  readonly needsProcess: boolean;
  /** Entry count for GEOIP/RULE-SET, -1 otherwise. */
  readonly size: number;
  /** `swap` exchanges source and destination (the RULE-SET `src` parameter). */
  match(c: MatchCtx, swap: boolean): boolean;
}

/** Environment a rule compiles in. */
export interface CondEnv {
  /** Where the rule was written, for errors: `config.yaml:41:5 rules[12]`. */
  readonly where: string;
}

/** What a HostIndexed condition adds to the engine's HostIndex (sets/host-index.ts). */
export interface HostIndexSink {
  addName(name: string, hash: number, flags: number, idx: number): void;
  addExact(name: string, idx: number): void;
  addSuffix(name: string, idx: number): void;
  addKeyword(word: string, idx: number): void;
}

/**
 * A condition whose host-name entries (exact names, suffixes, keywords) the
 * engine indexes across the whole rule list. Contract:
 *   match(c) === (an indexed entry matches c.host) || matchRest(c)
 * as long as hostToken() still returns what indexHost() returned (a provider
 * update changes it; the engine then matches the rule in full and rebuilds).
 */
export interface HostIndexed extends Cond {
  /** Adds the entries under rule index `idx`; returns the data's token. */
  indexHost(into: HostIndexSink, idx: number): unknown;
  /** The token of the data the condition matches with now. */
  hostToken(): unknown;
  /** Everything match() tests except the indexed entries. */
  matchRest(c: MatchCtx, swap: boolean): boolean;
}

export function isHostIndexed(c: Cond): c is HostIndexed {
  return typeof (c as Partial<HostIndexed>).indexHost === 'function';
}
