// `proxy-providers:` — type http/file/inline (mihomo adapter/provider/parser.go).
// Paths resolve against the config home; an http provider's cache must stay
// inside it (SAFE_PATHS), like rule providers. Inline payloads are checked
// here with the same proxy parser as `proxies:`.
import { resolve } from 'node:path';
import type { HealthCheckConfig, ProxyProviderConfig } from './types.js';
import type { SectionContext } from './general.js';
import { reportOtherKey } from './keys.js';
import { readBool, readEnum, readInt, readMap, readString, setOwn } from './read.js';
import type { LEntry, LMap, LNode } from './yaml-tree.js';
import { readNamedSection } from './named-section.js';
import { downloadFieldReaders, safeFileName } from './provider-fields.js';
import { readProxies } from './proxies.js';
import { newRefs } from './refs.js';
import { readRegexSpec } from './regex.js';
import { DEFAULT_TEST_URL } from './groups.js';

const TYPES = ['file', 'http', 'inline'] as const;
const KEYS = ['type', 'url', 'path', 'interval', 'proxy', 'size-limit', 'header', 'health-check', 'override', 'filter', 'exclude-filter', 'exclude-type', 'payload'];
const HC_KEYS = ['enable', 'url', 'interval', 'timeout', 'lazy', 'expected-status'];
const ONLY_FOR: Readonly<Record<string, readonly string[]>> = { url: ['http'], payload: ['inline'], path: ['file', 'http'], proxy: ['http'], 'size-limit': ['http'], header: ['http'] };
/** override keys switchyard applies; the others are accepted and reported as ignored. */
export const APPLIED_OVERRIDE_KEYS = ['udp', 'skip-cert-verify', 'additional-prefix', 'additional-suffix', 'proxy-name'];
const IGNORED_OVERRIDE_KEYS = ['tfo', 'mptcp', 'udp-over-tcp', 'up', 'down', 'dialer-proxy', 'interface-name', 'routing-mark', 'ip-version'];

export const DEFAULT_HEALTH_CHECK: HealthCheckConfig = { enable: false, url: DEFAULT_TEST_URL, interval: 0, timeout: 5000, lazy: true, expectedStatus: '*' };

export function readProxyProviders(cx: SectionContext, e: LEntry): Record<string, ProxyProviderConfig> {
  return readNamedSection(cx, e, 'proxy-providers', 'a mapping with type and url/path/payload', cx.refs.proxyProviderNames, (name, m, path) =>
    readProvider(cx, name, m, path),
  );
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readProvider(cx: SectionContext, name: string, map: LMap, path: string): ProxyProviderConfig | undefined {
  const { d, home } = cx;
  const errorsBefore = d.errors.length;
  const get = (k: string) => map.entries.find((x) => x.key === k);
  const need = (k: string, expected: string) => {
    if (!get(k)) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.${k}`, { detail: `proxy provider "${name}"`, expected });
  };
  need('type', `one of ${TYPES.join(', ')}`);
  const type = get('type') ? readEnum(d, get('type')!.value, `${path}.type`, TYPES, true) : undefined;
  if (type === undefined) return undefined;
  if (type === 'http') need('url', 'the http(s) URL of the subscription');
  if (type === 'file') need('path', 'the path of the proxies file (relative to the config directory)');
  if (type === 'inline') need('payload', 'a list of proxies');
  const p: Mutable<ProxyProviderConfig> & { header: Record<string, readonly string[]> } = {
    name, type, url: '', path: '', interval: 0, proxy: '', sizeLimit: 0, header: {}, healthCheck: DEFAULT_HEALTH_CHECK,
    override: {}, filter: '', excludeFilter: '', excludeType: '', payload: [], where: d.where(map.pos, path),
  };
  const str = (x: LEntry, sub: string) => readString(d, x.value, sub) ?? '';
  const fields: Record<string, (x: LEntry, sub: string) => void> = {
    type: () => {},
    ...downloadFieldReaders(cx, p),
    'health-check': (x, sub) => (p.healthCheck = readHealthCheck(cx, x.value, sub)),
    override: (x, sub) => (p.override = readOverride(cx, x.value, sub)),
    filter: (x, sub) => (p.filter = readRegexSpec(cx, x, sub)),
    'exclude-filter': (x, sub) => (p.excludeFilter = readRegexSpec(cx, x, sub)),
    'exclude-type': (x, sub) => (p.excludeType = str(x, sub)),
    payload: (x, sub) => {
      // Provider proxies live in their own name space: a fresh Refs keeps them out of the config's name checks.
      p.payload = readProxies({ ...cx, refs: newRefs() }, x, sub);
      checkUniqueNames(cx, p.payload, sub, x.value);
    },
  };
  for (const x of map.entries) {
    const sub = `${path}.${x.key}`;
    const owners = ONLY_FOR[x.key];
    if (owners !== undefined && !owners.includes(type)) {
      d.warn('SY_ERR_CONFIG_IGNORED_OPTION', x.keyPos, sub, { value: x.key, detail: `only used by type ${owners.join('/')} proxy providers; this one is ${type}` });
    } else if (Object.prototype.hasOwnProperty.call(fields, x.key)) fields[x.key]!(x, sub);
    else reportOtherKey(d, x, sub, KEYS, (k) => k === 'etag-support', cx.ignored);
  }
  if (type === 'http' && !get('path')) p.path = resolve(home, 'proxies', `${safeFileName(name)}.yaml`);
  return d.errors.length === errorsBefore ? p : undefined;
}

function readHealthCheck(cx: SectionContext, n: LNode, path: string): HealthCheckConfig {
  const { d } = cx;
  const hc: Mutable<HealthCheckConfig> = { ...DEFAULT_HEALTH_CHECK };
  const m = readMap(d, n, path, 'a mapping with enable, url, interval');
  for (const x of m?.entries ?? []) {
    const sub = `${path}.${x.key}`;
    switch (x.key) {
      case 'enable': hc.enable = readBool(d, x.value, sub) ?? false; break;
      case 'url': {
        const s = readString(d, x.value, sub);
        if (s !== undefined && !/^https?:\/\/[^\s/]+/i.test(s)) d.error('SY_ERR_CONFIG_BAD_ADDRESS', x.value.pos, sub, { value: s, expected: 'an http:// or https:// URL' });
        else if (s !== undefined) hc.url = s;
        break;
      }
      case 'interval': hc.interval = readInt(d, x.value, sub, 0, 86400 * 7, 'seconds') ?? 0; break;
      case 'timeout': hc.timeout = readInt(d, x.value, sub, 1, 60000, 'milliseconds') ?? hc.timeout; break;
      case 'lazy': hc.lazy = readBool(d, x.value, sub) ?? true; break;
      case 'expected-status': {
        const s = readString(d, x.value, sub);
        if (s !== undefined && !/^(\*|\d{3}(-\d{3})?(\/\d{3}(-\d{3})?)*)$/.test(s)) d.error('SY_ERR_CONFIG_TYPE', x.value.pos, sub, { value: s, expected: '"*" or status codes like 204 or 200/204/300-399' });
        else if (s !== undefined) hc.expectedStatus = s;
        break;
      }
      default: reportOtherKey(d, x, sub, HC_KEYS, () => false, cx.ignored);
    }
  }
  return hc;
}

/** override: applied keys are type-checked; mihomo's other keys are warned as ignored. */
function readOverride(cx: SectionContext, n: LNode, path: string): Record<string, unknown> {
  const { d } = cx;
  const out: Record<string, unknown> = {};
  const m = readMap(d, n, path, 'a mapping of proxy option: value');
  for (const x of m?.entries ?? []) {
    const sub = `${path}.${x.key}`;
    if (x.key === 'udp' || x.key === 'skip-cert-verify') {
      const b = readBool(d, x.value, sub);
      if (b !== undefined) setOwn(out, x.key, b);
    } else if (x.key === 'additional-prefix' || x.key === 'additional-suffix') {
      setOwn(out, x.key, readString(d, x.value, sub) ?? '');
    } else if (x.key === 'proxy-name') {
      setOwn(out, x.key, readRenames(cx, x.value, sub));
    } else reportOtherKey(d, x, sub, [...APPLIED_OVERRIDE_KEYS, ...IGNORED_OVERRIDE_KEYS], (k) => IGNORED_OVERRIDE_KEYS.includes(k), cx.ignored);
  }
  return out;
}

/** `proxy-name: [{pattern, target}]`: regex renames applied in order. */
function readRenames(cx: SectionContext, n: LNode, path: string): { pattern: string; target: string }[] {
  const { d } = cx;
  const out: { pattern: string; target: string }[] = [];
  if (n.kind !== 'seq') {
    d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { expected: 'a list of {pattern, target}' });
    return out;
  }
  n.items.forEach((it, i) => {
    const m = readMap(d, it, `${path}[${i}]`, 'a mapping with pattern and target');
    const pat = m?.entries.find((x) => x.key === 'pattern');
    const tgt = m?.entries.find((x) => x.key === 'target');
    if (!m || !pat) {
      if (m) d.error('SY_ERR_CONFIG_MISSING', m.pos, `${path}[${i}].pattern`, { expected: 'a regular expression' });
      return;
    }
    const pattern = readRegexSpec(cx, pat, `${path}[${i}].pattern`, false);
    if (pattern === '') return;
    out.push({ pattern, target: tgt ? readString(d, tgt.value, `${path}[${i}].target`) ?? '' : '' });
  });
  return out;
}

function checkUniqueNames(cx: SectionContext, proxies: readonly { name: string; where: string }[], path: string, n: LNode): void {
  const seen = new Set<string>();
  proxies.forEach((p) => {
    // Locate at the duplicate's own item (its where names the index).
    const i = /\[(\d+)\]$/.exec(p.where)?.[1];
    const item = i !== undefined && n.kind === 'seq' ? n.items[Number(i)] : undefined;
    if (seen.has(p.name)) cx.d.error('SY_ERR_CONFIG_DUPLICATE_NAME', item?.pos ?? n.pos, i !== undefined ? `${path}[${i}].name` : path, { value: p.name, expected: 'proxy names unique within the provider' });
    seen.add(p.name);
  });
}
