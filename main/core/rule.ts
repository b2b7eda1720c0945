// Rule engine contracts. The engine is compiled once per config/provider load;
// matching is synchronous and pure, except that an IP rule may need the
// destination resolved (once per connection) and a PROCESS/UID rule may need
// the owning process: the engine then *yields* and the caller resumes it.
import type { Metadata, Network } from './metadata.js';

/** One rule as written, for /rules, logs and `switchyard match`. */
export interface RuleInfo {
  /** Position in the rule list (0-based). */
  readonly index: number;
  /** Type as written in the config, upper-case: `DOMAIN-SUFFIX`, `RULE-SET`, `MATCH`. */
  readonly type: string;
  /** mihomo's CamelCase API name: `DomainSuffix`, `RuleSet`, `Match`. */
  readonly apiType: string;
  /** Payload as written (provider name for RULE-SET, '' for MATCH). */
  readonly payload: string;
  /** Target as written: DIRECT, REJECT, REJECT-DROP, PASS, a proxy or a group. */
  readonly target: string;
  /** Parameters: `no-resolve`, `src`. */
  readonly params: readonly string[];
  /** -1 except for GEOIP/GEOSITE/RULE-SET (entry count). */
  readonly size: number;
  /** `config.yaml:41:5 rules[12]` */
  readonly where: string;
  /**
   * Set when the rule loaded but can never match (its data is missing:
   * GEOSITE without GeoSite.dat, IP-ASN without ASN.mmdb): the warning's text,
   * for /rules and `check`. Absent for active rules.
   */
  readonly inactive?: string;
}

export interface Decision {
  readonly target: string;
  /** null when no rule matched (the result is then DIRECT). */
  readonly rule: RuleInfo | null;
}

/** What a target name means for a connection at match time. */
export type TargetStatus = 'ok' | 'pass' | 'missing' | 'no-udp';

/** Lets the engine skip targets that cannot take a connection (PASS, TCP-only proxies for UDP). */
export interface TargetCheck {
  status(target: string, network: Network): TargetStatus;
}

/** Per-connection matching state, carried between resumptions. */
export interface MatchState {
  /** Resolution was attempted (successfully or not); never resolve again. */
  resolved: boolean;
  /** Process lookup was attempted. */
  processLooked: boolean;
  /**
   * When the connection started (ms since the epoch), if the caller knows:
   * the engine records rule hit times with it instead of reading the clock.
   */
  now?: number;
  /** Engine-private per-connection scratch (parsed addresses, normalised host); callers leave it unset. */
  scratch?: unknown;
}

export type MatchStep =
  | { readonly done: true; readonly decision: Decision }
  | { readonly done: false; readonly need: 'ip' | 'process'; readonly at: number };

/** Resolves a host to addresses; [] when it does not resolve. Never rejects. */
export interface Resolver {
  resolve(host: string): Promise<string[]>;
}

/** Finds the process owning a local connection; fills uid/process/processPath. */
export interface ProcessLookup {
  lookup(meta: Metadata): Promise<void>;
}

export interface RuleEngine {
  readonly rules: readonly RuleInfo[];
  /** Run rules from index `from`; yields when it needs an IP or a process. */
  matchFrom(meta: Metadata, state: MatchState, from: number): MatchStep;
  /** Full decision, resolving through `deps` as needed. Synchronous when nothing had to be looked up. */
  decide(meta: Metadata, deps: { resolver: Resolver; process?: ProcessLookup }): Decision | Promise<Decision>;
  /** Enable/disable rules by index (PATCH /rules/disable). */
  setDisabled(index: number, disabled: boolean): void;
  /** Hit statistics by rule index. */
  stats(index: number): { disabled: boolean; hitCount: number; hitAt: number; missCount: number; missAt: number };
}

/** A compiled rule set (RULE-SET payload): matches a connection or not. */
export interface RuleSetMatcher {
  readonly behavior: 'domain' | 'ipcidr' | 'classical';
  readonly size: number;
  /** Whether matching may need the destination IP (ipcidr, or classical with IP rules). */
  readonly needsIp: boolean;
  readonly needsProcess: boolean;
  /** `src` swaps source and destination (ipcidr / classical). */
  match(meta: Metadata, state: MatchState, src: boolean): boolean;
}
