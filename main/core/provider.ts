// Rule-set provider contract: a named, refreshable source of a compiled RuleSetMatcher.
import type { RuleSetMatcher } from './rule.js';

export interface RuleProviderStatus {
  readonly name: string;
  readonly behavior: 'domain' | 'ipcidr' | 'classical';
  readonly format: 'yaml' | 'text' | 'mrs';
  readonly vehicleType: 'HTTP' | 'File' | 'Inline';
  readonly ruleCount: number;
  /** ms since epoch of the last successful load, 0 if never. */
  readonly updatedAt: number;
  readonly lastError: string;
}

export interface RuleSetProvider {
  readonly name: string;
  /** The current compiled set; swapped atomically on update. Never null after load(). */
  current(): RuleSetMatcher;
  status(): RuleProviderStatus;
  /** Loads the last good copy (or inline payload). Throws SyError when nothing usable exists. */
  load(): Promise<void>;
  /** Fetches/re-reads now; keeps the old set on any failure (and throws it). */
  update(): Promise<void>;
}
