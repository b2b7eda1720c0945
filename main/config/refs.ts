// Names and references collected while sections are read, with where they
// were written, so cross-check.ts can report each broken reference located.
import type { Pos } from './yaml-tree.js';

export interface NameRef {
  readonly name: string;
  readonly kind: 'proxy' | 'group';
  readonly pos: Pos;
  readonly path: string;
}

export interface MemberRef {
  /** The group (or provider) that refers. */
  readonly owner: string;
  readonly name: string;
  readonly pos: Pos;
  readonly path: string;
}

export interface Refs {
  readonly names: NameRef[];
  readonly members: MemberRef[];
  readonly providerProxies: MemberRef[];
  /** `rule-set:name` in dns.fake-ip-filter / nameserver-policy. */
  readonly ruleSetRefs: MemberRef[];
  /** Every provider name written, also those with errors (so RULE-SET does not cascade). */
  readonly providerNames: Set<string>;
  /** Every proxy provider name written (also those with errors). */
  readonly proxyProviderNames: Set<string>;
  /** Group `use:` entries, checked against proxyProviderNames. */
  readonly uses: MemberRef[];
  /** `#name` fragments of DNS nameservers (the proxy or group they are dialed through); absent in older callers. */
  readonly nameserverProxies?: MemberRef[];
  /** Where single keys were written, by key path (`routing-mark`, `capture.mark`, …). */
  readonly keyPos: Map<string, Pos>;
}

/** An option met in several list items, reported once at its first place. */
export interface OnceNote {
  readonly pos: Pos;
  readonly path: string;
  readonly owners: string[];
}

export function newRefs(): Refs {
  return { names: [], members: [], providerProxies: [], ruleSetRefs: [], providerNames: new Set(), proxyProviderNames: new Set(), uses: [], nameserverProxies: [], keyPos: new Map() };
}
