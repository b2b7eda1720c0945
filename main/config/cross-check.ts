// Cross-references, checked once every section is read: unique names, group
// members, group cycles, rule targets, RULE-SET providers, provider download
// proxies, bit-disjoint marks (reference §6.4) and controller exposure.
import type { Diagnostics } from './diagnostics.js';
import type { CaptureConfig, GroupConfig } from './types.js';
import { isLoopbackHost, parseHostPort } from './address.js';
import { BUILTIN_NAMES } from './defaults.js';
import type { Refs } from './refs.js';
import type { ParsedRule } from './rules-section.js';

export interface CrossInput {
  readonly refs: Refs;
  readonly groups: readonly GroupConfig[];
  readonly rules: readonly ParsedRule[];
  /** `sub-rules:` sets (their rules are in `rules`, with their own paths). */
  readonly subRules?: Readonly<Record<string, unknown>>;
  readonly routingMark: number;
  readonly capture: CaptureConfig;
  readonly externalController: string;
  readonly secret: string;
  readonly mixedPort: number;
  readonly tproxyPort: number;
  readonly dns: { readonly enable: boolean; readonly listen: string };
}

const TOP = { line: 1, col: 1 };

export function crossCheck(d: Diagnostics, x: CrossInput): void {
  const names = checkNames(d, x.refs);
  const known = (n: string) => names.has(n) || BUILTIN_NAMES.has(n);
  const lower = new Map([...names, ...BUILTIN_NAMES].map((n) => [n.toLowerCase(), n]));
  const near = (n: string) => {
    const m = lower.get(n.toLowerCase());
    return m !== undefined ? `did you mean "${m}"?` : undefined;
  };
  const hint = () => `one of ${[...names].slice(0, 12).join(', ')}${names.size > 12 ? ', …' : ''}${names.size ? ', ' : ''}DIRECT, REJECT, REJECT-DROP, PASS (names are case-sensitive)`;
  for (const m of x.refs.members) {
    if (!known(m.name)) d.error('SY_ERR_CONFIG_UNKNOWN_MEMBER', m.pos, m.path, { value: m.name, detail: near(m.name) ?? `in group "${m.owner}"`, expected: hint() });
  }
  for (const m of x.refs.providerProxies) {
    if (!known(m.name)) d.error('SY_ERR_CONFIG_UNKNOWN_TARGET', m.pos, m.path, { value: m.name, detail: near(m.name) ?? `download proxy of provider "${m.owner}"`, expected: hint() });
  }
  // mihomo dials `server#name` through that proxy or group (`#RULES`: the rules decide).
  // A proxy provider may supply the name (known only once it loads): then a warning.
  for (const m of x.refs.nameserverProxies ?? []) {
    if (known(m.name) || m.name === 'RULES') continue;
    const fromProvider = x.refs.proxyProviderNames.size > 0;
    const ctx = {
      value: m.name,
      detail: near(m.name) ?? `the proxy of nameserver ${m.owner}${fromProvider ? '; unless a proxy provider supplies it, its queries fail' : ''}`,
      expected: `${hint()}, or RULES`,
    };
    if (fromProvider) d.warn('SY_ERR_CONFIG_UNKNOWN_TARGET', m.pos, m.path, ctx);
    else d.error('SY_ERR_CONFIG_UNKNOWN_TARGET', m.pos, m.path, ctx);
  }
  for (const r of x.refs.ruleSetRefs) {
    if (!x.refs.providerNames.has(r.name)) {
      d.error('SY_ERR_CONFIG_UNKNOWN_PROVIDER', r.pos, r.path, { value: r.name, expected: x.refs.providerNames.size ? `one of ${[...x.refs.providerNames].join(', ')}` : 'a provider defined under rule-providers:' });
    }
  }
  for (const u of x.refs.uses) {
    if (!x.refs.proxyProviderNames.has(u.name)) {
      const defined = [...x.refs.proxyProviderNames];
      // A warning, not an error: real configs (Clash Verge Rev's example) list
      // subscriptions they do not define; the group keeps its other members.
      d.warn('SY_ERR_CONFIG_UNKNOWN_PROXY_PROVIDER', u.pos, u.path, { value: u.name, detail: `in group "${u.owner}"; skipped, the group uses its other members`, expected: defined.length ? `one of ${defined.join(', ')}` : 'a provider defined under proxy-providers:' });
    }
  }
  checkCycles(d, x.groups, x.refs);
  const subNames = Object.keys(x.subRules ?? {});
  for (const r of x.rules) {
    const { type, payload, target } = r.split;
    const path = r.path ?? `rules[${r.index}]`;
    // SUB-RULE targets name a set of `sub-rules:`.
    if (type === 'SUB-RULE' && !subNames.includes(target)) {
      d.error('SY_ERR_CONFIG_UNKNOWN_TARGET', r.pos, path, { value: target, detail: `SUB-RULE names a set of sub-rules:`, expected: subNames.length ? `one of ${subNames.join(', ')}` : 'a name defined under sub-rules:' });
    }
    if (type !== 'SUB-RULE' && !known(target)) {
      d.error('SY_ERR_CONFIG_UNKNOWN_TARGET', r.pos, path, { value: target, detail: near(target) ?? `in "${r.split.type},${payload ? payload + ',' : ''}${target}"`, expected: hint() });
    }
    if (type === 'RULE-SET' && !x.refs.providerNames.has(payload)) {
      const defined = [...x.refs.providerNames];
      d.error('SY_ERR_CONFIG_UNKNOWN_PROVIDER', r.pos, path, {
        value: payload,
        expected: defined.length ? `one of ${defined.join(', ')}` : 'a provider defined under rule-providers:',
      });
    }
  }
  if (x.routingMark !== 0 && (x.routingMark & x.capture.mark) !== 0) {
    d.error('SY_ERR_CONFIG_MARK_OVERLAP', x.refs.keyPos.get('routing-mark') ?? x.refs.keyPos.get('capture.mark') ?? TOP, 'routing-mark', {
      value: `routing-mark 0x${x.routingMark.toString(16)} & capture.mark 0x${x.capture.mark.toString(16)} = 0x${(x.routingMark & x.capture.mark).toString(16)}`,
      detail: 'the core\'s own sockets would be captured again (a loop)',
      expected: 'marks with no bit in common ((routing-mark & capture.mark) == 0), e.g. leave routing-mark unset, or 0x1000 with capture.mark 0x2d0',
    });
  }
  checkController(d, x);
  checkPorts(d, x);
  checkCaptureNeeds(d, x);
}

/** Capture on needs a TPROXY listener, and local capture needs the core's own mark (or it captures itself). */
function checkCaptureNeeds(d: Diagnostics, x: CrossInput): void {
  if (!x.capture.enable) return;
  if (x.tproxyPort === 0) {
    d.error('SY_ERR_CONFIG_CONFLICT', x.refs.keyPos.get('tproxy-port') ?? x.refs.keyPos.get('capture.enable') ?? TOP, 'tproxy-port', {
      value: 0,
      detail: 'capture.enable is true but the TPROXY listener is off',
      expected: 'a tproxy-port 1-65535 (default 7893) while capture is enabled',
    });
  }
  if (x.capture.local && x.routingMark === 0) {
    d.error('SY_ERR_CONFIG_CONFLICT', x.refs.keyPos.get('routing-mark') ?? x.refs.keyPos.get('capture.enable') ?? TOP, 'routing-mark', {
      value: 0,
      detail: "with capture.local the core's own outbound connections would be captured again (a loop)",
      expected: 'a non-zero routing-mark (leave it unset for the default) or capture.local: false',
    });
  }
}

/** The core's listeners must not share a port (mixed/tproxy/DNS/controller). */
function checkPorts(d: Diagnostics, x: CrossInput): void {
  const listeners: { key: string; port: number }[] = [
    { key: 'mixed-port', port: x.mixedPort },
    { key: 'tproxy-port', port: x.tproxyPort },
    { key: 'dns.listen', port: x.dns.enable ? parseHostPort(x.dns.listen)?.port ?? 0 : 0 },
    { key: 'external-controller', port: x.externalController ? parseHostPort(x.externalController)?.port ?? 0 : 0 },
  ];
  const seen = new Map<number, string>();
  for (const l of listeners) {
    if (l.port === 0) continue;
    const other = seen.get(l.port);
    if (other === undefined) {
      seen.set(l.port, l.key);
      continue;
    }
    // Report at whichever of the two was written (the later one when both were).
    const key = x.refs.keyPos.has(l.key) || !x.refs.keyPos.has(other) ? l.key : other;
    d.error('SY_ERR_CONFIG_CONFLICT', x.refs.keyPos.get(key) ?? TOP, key, {
      value: l.port,
      detail: `${l.key} and ${other} use the same port`,
      expected: 'a different port for each listener (or 0 to disable mixed-port / tproxy-port)',
    });
  }
}

function checkNames(d: Diagnostics, refs: Refs): Set<string> {
  const names = new Set<string>();
  for (const n of refs.names) {
    if (BUILTIN_NAMES.has(n.name)) {
      d.error('SY_ERR_CONFIG_RESERVED_NAME', n.pos, n.path, { value: n.name, expected: `a name other than ${[...BUILTIN_NAMES].join(', ')}` });
    } else if (names.has(n.name)) {
      const first = refs.names.find((o) => o.name === n.name)!;
      d.error('SY_ERR_CONFIG_DUPLICATE_NAME', n.pos, n.path, { value: n.name, detail: `first defined at ${d.where(first.pos, first.path)}`, expected: 'a name unique across proxies and proxy-groups' });
    }
    names.add(n.name);
  }
  return names;
}

/** Depth-first search over group -> group members; each cycle is reported once, at the group that closes it. */
function checkCycles(d: Diagnostics, groups: readonly GroupConfig[], refs: Refs): void {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (g: GroupConfig): void => {
    state.set(g.name, 'active');
    stack.push(g.name);
    for (const m of g.proxies) {
      const next = byName.get(m);
      if (!next) continue;
      const s = state.get(m);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(m)), m];
        const ref = refs.members.find((r) => r.owner === g.name && r.name === m);
        d.error('SY_ERR_CONFIG_GROUP_CYCLE', ref?.pos ?? TOP, ref?.path ?? 'proxy-groups', { value: cycle.join(' -> '), expected: 'groups that do not contain themselves, directly or through other groups' });
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(g.name, 'done');
  };
  for (const g of groups) if (!state.has(g.name)) visit(g);
}

function checkController(d: Diagnostics, x: CrossInput): void {
  const effective = secureController(x.externalController, x.secret);
  if (effective === x.externalController) return;
  d.warn('SY_ERR_CONFIG_INSECURE_CONTROLLER', x.refs.keyPos.get('external-controller') ?? TOP, 'external-controller', {
    value: x.externalController,
    detail: `anyone who can reach it could read connections and change the config, so it binds ${effective} instead`,
    expected: 'a secret: (Bearer token) to listen beyond loopback',
  });
}

/**
 * The controller address actually used: a non-loopback address without a
 * secret falls back to 127.0.0.1 on the same port (never an open controller).
 */
export function secureController(addr: string, secret: string): string {
  if (addr === '' || secret !== '') return addr;
  const hp = parseHostPort(addr);
  if (!hp || isLoopbackHost(hp.host)) return addr;
  return `127.0.0.1:${hp.port}`;
}
