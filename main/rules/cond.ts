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
