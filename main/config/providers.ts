// `rule-providers:` — type file/http/inline, behavior domain/ipcidr/classical,
// format yaml/text/mrs. Paths resolve against the config home; an http
// provider's cache file must stay inside it (mihomo's SAFE_PATHS rule), so a
// downloaded list can never overwrite a file elsewhere.
import { resolve } from 'node:path';
import type { ProviderBehavior, ProviderFormat, RuleProviderConfig } from './types.js';
import type { SectionContext } from './general.js';
import { reportOtherKey } from './keys.js';
import { readEnum, readStringList } from './read.js';
import type { LEntry, LMap } from './yaml-tree.js';
import { readNamedSection } from './named-section.js';
import { downloadFieldReaders, safeFileName } from './provider-fields.js';

const TYPES = ['file', 'http', 'inline'] as const;
const BEHAVIORS: readonly ProviderBehavior[] = ['domain', 'ipcidr', 'classical'];
const FORMATS: readonly ProviderFormat[] = ['yaml', 'text', 'mrs'];
const KEYS = ['type', 'behavior', 'format', 'url', 'path', 'interval', 'proxy', 'size-limit', 'header', 'payload'];
const EXT: Record<ProviderFormat, string> = { yaml: 'yaml', text: 'txt', mrs: 'mrs' };

export function readProviders(cx: SectionContext, e: LEntry): Record<string, RuleProviderConfig> {
  return readNamedSection(cx, e, 'rule-providers', 'a mapping with type, behavior and url/path/payload', cx.refs.providerNames, (name, m, path) =>
    readProvider(cx, name, m, path),
  );
}

type MutableProvider = { -readonly [K in keyof RuleProviderConfig]: RuleProviderConfig[K] } & {
  header: Record<string, readonly string[]>;
};

/** Keys that only one provider type uses; elsewhere they are warned about and ignored. */
const ONLY_FOR: Readonly<Record<string, readonly string[]>> = { url: ['http'], payload: ['inline'], path: ['file', 'http'] };

function readProvider(cx: SectionContext, name: string, map: LMap, path: string): RuleProviderConfig | undefined {
  const { d, home } = cx;
  const errorsBefore = d.errors.length;
  const get = (k: string) => map.entries.find((x) => x.key === k);
  const need = (k: string, expected: string) => {
    if (!get(k)) d.error('SY_ERR_CONFIG_MISSING', map.pos, `${path}.${k}`, { detail: `provider "${name}"`, expected });
  };
  need('type', `one of ${TYPES.join(', ')}`);
  need('behavior', `one of ${BEHAVIORS.join(', ')}`);
  const type = get('type') ? readEnum(d, get('type')!.value, `${path}.type`, TYPES, true) : undefined;
  const behavior = get('behavior') ? readEnum(d, get('behavior')!.value, `${path}.behavior`, BEHAVIORS, true) : undefined;
  const formatE = get('format');
  const format = formatE ? readEnum(d, formatE.value, `${path}.format`, FORMATS, true) : 'yaml';
  if (type === undefined || behavior === undefined || format === undefined) return undefined;
  if (format === 'mrs' && behavior === 'classical') {
    d.error('SY_ERR_CONFIG_CONFLICT', formatE!.value.pos, `${path}.format`, { value: 'mrs', detail: 'mrs files hold only domain or ipcidr sets', expected: 'format yaml or text for behavior classical' });
  }
  if (type === 'http') need('url', 'the http(s) URL of the list');
  if (type === 'file') need('path', 'the path of the list file (relative to the config directory)');
  if (type === 'inline') need('payload', 'a list of entries');
  const p: MutableProvider = {
    name, type, behavior, format, url: '', path: '', interval: 0, proxy: '', sizeLimit: 0, header: {}, payload: [], where: d.where(map.pos, path),
  };
  const fields = providerFields(cx, p);
  for (const x of map.entries) {
    const sub = `${path}.${x.key}`;
    const owners = ONLY_FOR[x.key];
    if (owners !== undefined && !owners.includes(type)) {
      d.warn('SY_ERR_CONFIG_IGNORED_OPTION', x.keyPos, sub, { value: x.key, detail: `only used by type ${owners.join('/')} providers; this one is ${type}` });
    } else if (Object.prototype.hasOwnProperty.call(fields, x.key)) fields[x.key]!(x, sub);
    else reportOtherKey(d, x, sub, KEYS, (k) => k === 'etag-support', cx.ignored);
  }
  if (type === 'http' && !get('path')) p.path = resolve(home, 'ruleset', `${safeFileName(name)}.${EXT[format]}`);
  return d.errors.length === errorsBefore ? p : undefined;
}

/** Readers of the provider's keys (type, behavior and format are read first). */
function providerFields(cx: SectionContext, p: MutableProvider): Record<string, (x: LEntry, sub: string) => void> {
  const { d } = cx;
  return {
    type: () => {},
    behavior: () => {},
    format: () => {},
    ...downloadFieldReaders(cx, p),
    payload: (x, sub) => (p.payload = readStringList(d, x.value, sub, 'a list of entries') ?? []),
  };
}

