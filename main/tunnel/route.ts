// Decision → outbound: applies the mode (rule/global/direct), runs the rule
// engine, and resolves groups to the leaf outbound with mihomo's chain order
// (leaf first, the group named by the rule last).
import type { Metadata } from '../core/metadata.js';
import type { Decision, Resolver, RuleEngine, ProcessLookup } from '../core/rule.js';
import type { Outbound, OutboundGroup, OutboundRegistry } from '../core/outbound.js';

export type Mode = 'rule' | 'global' | 'direct';

export interface Route {
  readonly decision: Decision;
  /** null when the connection must be rejected (REJECT, or a group with no usable member). */
  readonly leaf: Outbound | null;
  /** leaf first, rule target last */
  readonly chain: readonly string[];
  /** Why a connection is rejected without a REJECT rule ('' otherwise). */
  readonly why: string;
}

export interface RouteDeps {
  engine(): RuleEngine;
  mode(): Mode;
  outbounds(): OutboundRegistry;
  resolver: Resolver;
  process?: ProcessLookup;
}

const DIRECT_DECISION: Decision = { target: 'DIRECT', rule: null };

function isGroup(o: Outbound): o is OutboundGroup {
  return typeof (o as OutboundGroup).pick === 'function';
}

/** The target that `global` mode uses: the GLOBAL selector if defined, else the first group, else the first proxy. */
function globalTarget(reg: OutboundRegistry): string {
  if (reg.get('GLOBAL')) return 'GLOBAL';
  const all = reg.all();
  const group = all.find((o) => isGroup(o));
  if (group) return group.name;
  const proxy = all.find((o) => !['Direct', 'Reject', 'RejectDrop', 'Pass', 'Compatible'].includes(o.type));
  return proxy ? proxy.name : 'DIRECT';
}

/** Decides where `meta` goes. Synchronous unless the rules needed DNS or a process lookup. */
export function decide(meta: Metadata, deps: RouteDeps): Decision | Promise<Decision> {
  const mode = deps.mode();
  if (mode === 'direct') return DIRECT_DECISION;
  if (mode === 'global') return { target: globalTarget(deps.outbounds()), rule: null };
  return deps.engine().decide(meta, { resolver: deps.resolver, process: deps.process });
}

/** Resolves a decision's target to the outbound to dial. */
export function resolveRoute(decision: Decision, meta: Metadata, reg: OutboundRegistry): Route {
  const target = reg.get(decision.target);
  if (!target) {
    return { decision, leaf: null, chain: [decision.target], why: `target ${decision.target} is not defined` };
  }
  if (!isGroup(target)) return { decision, leaf: target, chain: [target.name], why: '' };
  const picked = target.pick(meta);
  if (!picked) {
    return { decision, leaf: null, chain: [target.name], why: `group ${target.name} has no usable member` };
  }
  return { decision, leaf: picked.leaf, chain: picked.chain, why: '' };
}
