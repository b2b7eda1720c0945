// The override layer ("merge" in Clash Verge): the user's edits to a profile,
// kept apart from the downloaded config and re-applied after every update.
// An override is a YAML mapping:
//   prepend-rules / append-rules, prepend-proxies / append-proxies,
//   prepend-proxy-groups / append-proxy-groups: lists added before/after the
//     profile's own list (an item whose `name` equals a profile item's replaces
//     that item for proxies and groups, so edits never create duplicates);
//   any other key: replaces that top-level key of the profile.
// The downloaded text is edited through the `yaml` Document API, so its
// comments and layout survive in the effective file.
import { isMap, isSeq, parseDocument, type Document, type YAMLSeq } from 'yaml';
import { SyError } from '../core/errors.js';

const LISTS = { rules: 'rules', proxies: 'proxies', 'proxy-groups': 'proxy-groups' } as const;
type ListKey = keyof typeof LISTS;
const LIST_KEYS = Object.keys(LISTS) as ListKey[];
const EDIT_KEYS = new Set(LIST_KEYS.flatMap((k) => [`prepend-${k}`, `append-${k}`]));

export interface Override {
  prepend: Record<ListKey, unknown[]>;
  append: Record<ListKey, unknown[]>;
  /** Top-level keys replaced as a whole. */
  replace: Record<string, unknown>;
}

const empty = (): Record<ListKey, unknown[]> => ({ rules: [], proxies: [], 'proxy-groups': [] });

/** Parses and checks an override text ('' or only comments = no override). Throws SY_ERR_PROFILE_OVERRIDE, located. */
export function parseOverride(text: string, where = 'override.yaml'): Override {
  const out: Override = { prepend: empty(), append: empty(), replace: {} };
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new SyError('SY_ERR_PROFILE_OVERRIDE', { where: pos ? `${where}:${pos.line}:${pos.col}` : where, detail: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') });
  }
  if (doc.contents === null) return out;
  if (!isMap(doc.contents)) throw new SyError('SY_ERR_PROFILE_OVERRIDE', { where, expected: 'a YAML mapping (key: value)' });
  const js = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null;
  for (const [key, value] of Object.entries(js ?? {})) {
    if (EDIT_KEYS.has(key)) {
      if (value === null) continue;
      if (!Array.isArray(value)) throw new SyError('SY_ERR_PROFILE_OVERRIDE', { where: `${where} ${key}`, value, expected: 'a list' });
      const list = key.replace(/^(prepend|append)-/, '') as ListKey;
      const named = list !== 'rules';
      value.forEach((item, i) => {
        if (named && (item === null || typeof item !== 'object' || typeof (item as { name?: unknown }).name !== 'string'))
          throw new SyError('SY_ERR_PROFILE_OVERRIDE', { where: `${where} ${key}[${i}]`, value: item, expected: 'a mapping with a name' });
        if (!named && typeof item !== 'string') throw new SyError('SY_ERR_PROFILE_OVERRIDE', { where: `${where} ${key}[${i}]`, value: item, expected: 'a rule line such as DOMAIN-SUFFIX,example.com,DIRECT' });
      });
      (key.startsWith('prepend-') ? out.prepend : out.append)[list] = value;
    } else {
      out.replace[key] = value;
    }
  }
  return out;
}

/** Applies an override to a profile's config text; returns the effective config text. */
export function applyOverride(base: string, o: Override, header = ''): string {
  const doc = parseDocument(base, { prettyErrors: false });
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents))) {
    // The base is validated later (with located errors); an unparsable one is returned as is.
    return base;
  }
  for (const [k, v] of Object.entries(o.replace)) doc.set(k, doc.createNode(v));
  for (const key of LIST_KEYS) {
    const pre = o.prepend[key];
    const post = o.append[key];
    if (pre.length === 0 && post.length === 0) continue;
    const seq = listOf(doc, key);
    if (key !== 'rules') dropNamed(seq, [...pre, ...post]);
    seq.items.unshift(...pre.map((x) => doc.createNode(x)));
    seq.items.push(...post.map((x) => doc.createNode(x)));
  }
  const text = doc.toString({ lineWidth: 0 });
  return header ? `${header}\n${text}` : text;
}

function listOf(doc: Document, key: string): YAMLSeq {
  const cur = doc.get(key, true);
  if (isSeq(cur)) return cur;
  const seq = doc.createNode([]) as YAMLSeq;
  doc.set(key, seq);
  return seq;
}

/** Removes profile items whose name an override item reuses. */
function dropNamed(seq: YAMLSeq, items: unknown[]): void {
  const names = new Set(items.map((x) => (x as { name: string }).name));
  seq.items = seq.items.filter((n) => !(isMap(n) && names.has(String(n.get('name')))));
}

/** True when the override changes nothing. */
export function isEmptyOverride(o: Override): boolean {
  return Object.keys(o.replace).length === 0 && LIST_KEYS.every((k) => o.prepend[k].length === 0 && o.append[k].length === 0);
}
