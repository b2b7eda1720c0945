// `proxy-groups:` — select, url-test, fallback, load-balance. Members are
// checked against every name in cross-check.ts (also for cycles). Members
// from proxy providers: `use`, `include-all`, `include-all-proxies`,
// `include-all-providers`, filtered by `filter` / `exclude-filter` (regexes,
// backtick-separated) and `exclude-type` (`|`-separated, case-insensitive);
// outbound/groups/members.ts computes them as mihomo does.
import type { GroupConfig, GroupType, ProxyConfig } from './types.js';
import type { SectionContext } from './general.js';
import { reportOtherKey } from './keys.js';
import { readBool, readEnum, readInt, readMap, readNonEmptyString, readSeq, readString } from './read.js';
import type { LEntry, LMap } from './yaml-tree.js';
import type { OnceNote } from './refs.js';
import { readRegexSpec } from './regex.js';

export const GROUP_TYPES: readonly GroupType[] = ['select', 'url-test', 'fallback', 'load-balance'];
export const DEFAULT_TEST_URL = 'https://www.gstatic.com/generate_204';

const OWN_KEYS = [
  'name', 'type', 'proxies', 'url', 'interval', 'timeout', 'tolerance', 'lazy', 'expected-status', 'hidden', 'icon',
  'use', 'include-all', 'include-all-proxies', 'include-all-providers', 'filter', 'exclude-filter', 'exclude-type',
];

/** Accepted, not implemented yet: warned once per group and key. */
const LATER_KEYS: ReadonlySet<string> = new Set([
  'disable-udp', 'interface-name', 'routing-mark', 'strategy', 'max-failed-times', 'default-selected',
]);

/** Group types of mihomo that switchyard loads as unavailable outbounds (like unsupported proxies). */
const UNSUPPORTED_GROUP_TYPES: ReadonlySet<string> = new Set(['relay']);

/**
 * Read the groups. A `relay` group (a proxy chain) cannot be relayed by
 * switchyard: it is pushed to `unsupported` as a `supported: false` proxy so
 * that rules and groups naming it still resolve.
 */
export function readGroups(cx: SectionContext, e: LEntry, unsupported: ProxyConfig[] = []): GroupConfig[] {
  const { d } = cx;
  const out: GroupConfig[] = [];
  const seq = readSeq(d, e.value, 'proxy-groups', 'a list of groups (each a mapping with name, type, proxies)');
  if (!seq) return out;
  const later = new Map<string, OnceNote>();
  seq.items.forEach((item, i) => {
    const path = `proxy-groups[${i}]`;
    const map = readMap(d, item, path, 'a mapping with name, type, proxies');
    if (!map) return;
    const g = readGroup(cx, map, path, unsupported, later);
    if (g) out.push(g);
  });
  // One warning per option, at its first use, naming every group that uses it.
  for (const [key, n] of later) {
    d.warn('SY_ERR_CONFIG_IGNORED_OPTION', n.pos, n.path, {
      value: key,
      detail: `used by ${n.owners.length} group(s): ${n.owners.slice(0, 8).join(', ')}${n.owners.length > 8 ? ', …' : ''}; they use only their listed proxies for now`,
    });
  }
  return out;
}

/** A group being read: the config fields plus a per-group context shared by the field readers. */
interface GroupDraft {
  g: { -readonly [K in keyof GroupConfig]: GroupConfig[K] } & { proxies: string[] };
  usesProviders: boolean;
}

function readGroup(cx: SectionContext, map: LMap, path: string, unsupported: ProxyConfig[], later: Map<string, OnceNote>): GroupConfig | undefined {
  const { d } = cx;
  const nameE = map.entries.find((x) => x.key === 'name');
  const typeE = map.entries.find((x) => x.key === 'type');
  if (!nameE) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.name`, { expected: 'a unique group name' });
  if (!typeE) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.type`, { expected: `one of ${GROUP_TYPES.join(', ')}` });
  const name = nameE ? readNonEmptyString(d, nameE.value, `${path}.name`) : undefined;
  if (name !== undefined) cx.refs.names.push({ name, kind: 'group', pos: nameE!.value.pos, path: `${path}.name` });
  const rawType = typeE?.value.kind === 'scalar' && typeof typeE.value.value === 'string' ? typeE.value.value.toLowerCase() : '';
  if (name !== undefined && UNSUPPORTED_GROUP_TYPES.has(rawType)) {
    unsupported.push(unavailableGroup(cx, map, path, name, rawType, typeE!));
    return undefined;
  }
  const type = typeE ? readEnum(d, typeE.value, `${path}.type`, GROUP_TYPES, true) : undefined;
  if (name === undefined || type === undefined) return undefined;

  const tested = type !== 'select';
  const draft: GroupDraft = {
    g: {
      name, type, proxies: [], url: tested ? DEFAULT_TEST_URL : '', interval: tested ? 300 : 0,
      timeout: 5000, tolerance: 0, lazy: true, expectedStatus: '*', hidden: false, icon: '', where: d.where(map.pos, path),
    },
    usesProviders: false,
  };
  const fields = groupFields(cx, draft);
  for (const x of map.entries) {
    const sub = `${path}.${x.key}`;
    const h = Object.prototype.hasOwnProperty.call(fields, x.key) ? fields[x.key] : undefined;
    if (h) h(x, sub);
    else if (LATER_KEYS.has(x.key)) {
      const note = later.get(x.key);
      if (note) note.owners.push(name);
      else later.set(x.key, { pos: x.keyPos, path: sub, owners: [name] });
    } else reportOtherKey(d, x, sub, [...OWN_KEYS, ...LATER_KEYS], () => false, cx.ignored);
  }
  if (draft.g.proxies.length === 0 && !draft.usesProviders) {
    const at = map.entries.find((x) => x.key === 'proxies')?.value.pos ?? map.pos;
    d.error('SY_ERR_CONFIG_MISSING', at, `${path}.proxies`, { detail: `group "${name}" has no members`, expected: 'at least one member (a proxy, a group, DIRECT or REJECT)' });
    return undefined;
  }
  return draft.g;
}

/** Readers of the group's own keys (name and type are read first). */
function groupFields(cx: SectionContext, draft: GroupDraft): Record<string, (x: LEntry, sub: string) => void> {
  const { d } = cx;
  const g = draft.g;
  return {
    name: () => {},
    type: () => {},
    proxies: (x, sub) => {
      const seq = readSeq(d, x.value, sub, 'a list of proxy or group names');
      seq?.items.forEach((it, j) => {
        const m = readNonEmptyString(d, it, `${sub}[${j}]`, 'a proxy or group name');
        if (m === undefined) return;
        g.proxies.push(m);
        cx.refs.members.push({ owner: g.name, name: m, pos: it.pos, path: `${sub}[${j}]` });
      });
    },
    url: (x, sub) => {
      const s = readString(d, x.value, sub);
      if (s !== undefined && !/^https?:\/\/[^\s/]+/i.test(s)) d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, sub, { value: s, expected: 'an http:// or https:// URL' });
      else if (s !== undefined) g.url = s;
    },
    interval: (x, sub) => (g.interval = readInt(d, x.value, sub, 0, 86400 * 7, 'seconds') ?? g.interval),
    timeout: (x, sub) => (g.timeout = readInt(d, x.value, sub, 1, 60000, 'milliseconds') ?? g.timeout),
    tolerance: (x, sub) => (g.tolerance = readInt(d, x.value, sub, 0, 60000, 'milliseconds') ?? g.tolerance),
    lazy: (x, sub) => (g.lazy = readBool(d, x.value, sub) ?? g.lazy),
    'expected-status': (x, sub) => {
      const s = readString(d, x.value, sub);
      if (s !== undefined && !/^(\*|\d{3}(-\d{3})?(\/\d{3}(-\d{3})?)*)$/.test(s)) {
        d.error('SY_ERR_CONFIG_TYPE', x.value.pos, sub, { value: s, expected: '"*" or status codes like 204 or 200/204/300-399' });
      } else if (s !== undefined) g.expectedStatus = s;
    },
    hidden: (x, sub) => (g.hidden = readBool(d, x.value, sub) ?? false),
    icon: (x, sub) => (g.icon = readString(d, x.value, sub) ?? ''),
    use: (x, sub) => {
      const seq = readSeq(d, x.value, sub, 'a list of proxy provider names');
      const use: string[] = [];
      seq?.items.forEach((it, j) => {
        const m = readNonEmptyString(d, it, `${sub}[${j}]`, 'a proxy provider name');
        if (m === undefined) return;
        use.push(m);
        cx.refs.uses.push({ owner: g.name, name: m, pos: it.pos, path: `${sub}[${j}]` });
      });
      g.use = use;
      if (use.length > 0) draft.usesProviders = true;
    },
    'include-all': (x, sub) => {
      const b = readBool(d, x.value, sub) ?? false;
      if (b) [g.includeAllProxies, g.includeAllProviders, draft.usesProviders] = [true, true, true];
    },
    'include-all-proxies': (x, sub) => {
      if (readBool(d, x.value, sub)) [g.includeAllProxies, draft.usesProviders] = [true, true];
    },
    'include-all-providers': (x, sub) => {
      if (readBool(d, x.value, sub)) [g.includeAllProviders, draft.usesProviders] = [true, true];
    },
    filter: (x, sub) => (g.filter = readRegexSpec(cx, x, sub)),
    'exclude-filter': (x, sub) => (g.excludeFilter = readRegexSpec(cx, x, sub)),
    'exclude-type': (x, sub) => (g.excludeType = readString(d, x.value, sub, 'proxy types separated by |') ?? ''),
  };
}

/** A relay group: one warning, kept as an unavailable outbound; its members are still checked. */
function unavailableGroup(cx: SectionContext, map: LMap, path: string, name: string, type: string, typeE: LEntry): ProxyConfig {
  cx.d.warn('SY_ERR_CONFIG_UNSUPPORTED_PROXY', typeE.value.pos, `${path}.type`, {
    value: type,
    detail: `group "${name}" is kept as an unavailable outbound`,
    expected: `one of ${GROUP_TYPES.join(', ')} to use it`,
  });
  const members = map.entries.find((x) => x.key === 'proxies')?.value;
  if (members?.kind === 'seq') {
    members.items.forEach((it, j) => {
      if (it.kind === 'scalar' && typeof it.value === 'string') cx.refs.members.push({ owner: name, name: it.value, pos: it.pos, path: `${path}.proxies[${j}]` });
    });
  }
  return { name, type, supported: false, server: '', port: 0, username: '', password: '', udp: false, tls: false, skipCertVerify: false, where: cx.d.where(map.pos, path) };
}
