// `nameserver-policy` and the name part of `fallback-filter`, as mihomo
// evaluates them (dns/resolver.go):
//  - policy keys are Clash domain patterns (reference §2.4), `geosite:cat`
//    and `rule-set:name`; one key may list several, comma-separated, and a
//    prefix covers the items after it (`geosite:cn,private` = two
//    categories, as mihomo's config parser splits it). Keys are tried in
//    config order, except that a run of consecutive plain patterns
//    forms one wildcard set (most specific wins inside the run, as mihomo's
//    trie). The first key that matches picks the nameservers.
//  - `geosite:`/`rule-set:` are evaluated by an injected matcher (the rules
//    layer owns GEOSITE data and rule providers); when it has none for a
//    name, that key is inactive, reported once, and never matches.
import type { Logger } from '../core/logger.js';
import { NULL_LOGGER } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { compileDomainSet } from './wildcard.js';

/** Host predicate for `geosite:cat` / `rule-set:name`, or null when the rules layer cannot give one. */
export type DomainMatcherFactory = (kind: 'geosite' | 'rule-set', name: string) => ((host: string) => boolean) | null;

const REF = /^(geosite|rule-set):(.+)$/i;

/**
 * Compiles ordered (key, value) pairs into a lookup: host -> the value of the
 * first matching key, or undefined. Bad patterns and inactive references are
 * reported (coded warnings) and skipped.
 */
export function compileOrderedPolicy<T>(entries: readonly (readonly [string, T])[], where: string, matchers: DomainMatcherFactory | undefined, logger: Logger = NULL_LOGGER): (host: string) => T | undefined {
  const steps: ((host: string) => T | undefined)[] = [];
  let run: [string, T][] = [];
  const flush = () => {
    if (run.length === 0) return;
    const c = compileDomainSet(run, where);
    for (const w of c.warnings) logger.warn(w.message, { code: w.code });
    const set = c.set;
    steps.push((h) => set.lookup(h));
    run = [];
  };
  for (const [key, value] of entries) {
    // mihomo: in `geosite:cn,private,apple` the prefix applies to every item.
    let prefix: 'geosite' | 'rule-set' | undefined;
    for (const part of key.split(',').map((k) => k.trim()).filter((k) => k !== '')) {
      const ref = REF.exec(part);
      if (ref) prefix = ref[1]!.toLowerCase() as 'geosite' | 'rule-set';
      if (!prefix) {
        run.push([part, value]);
        continue;
      }
      flush();
      const kind = prefix;
      const match = matchers?.(kind, (ref ? ref[2]! : part).trim()) ?? null;
      if (!match) {
        const w = new SyError('SY_ERR_DNS_POLICY_INACTIVE', { where: `${where}.${key}`, value: `${kind}:${(ref ? ref[2]! : part).trim()}`, detail: `no ${kind} data is available to the DNS resolver; this entry never matches` });
        logger.warn(w.message, { code: w.code });
        continue;
      }
      steps.push((h) => (safeMatch(match, h) ? value : undefined));
    }
  }
  flush();
  if (steps.length === 0) return () => undefined;
  return (host) => {
    for (const s of steps) {
      const v = s(host);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/** An injected matcher that throws must not break DNS: it simply does not match. */
function safeMatch(m: (host: string) => boolean, host: string): boolean {
  try {
    return m(host);
  } catch {
    return false;
  }
}
