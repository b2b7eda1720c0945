// Config edits from the dashboard: pure functions YAML text -> YAML text over
// the `yaml` Document API, so comments, anchors, quoting and layout of every
// untouched node survive. Ops are validated for shape here (SY_ERR_CONFIG_EDIT_*);
// whether the result is a valid config is decided by a full load (the caller
// reloads the engine with the new text before writing it).
import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { SyError } from '../core/errors.js';

export type RuleProviderSpec =
  | { type: 'http'; behavior: Behavior; format?: Format; url: string; interval?: number; path?: string }
  | { type: 'file'; behavior: Behavior; format?: Format; path: string }
  | { type: 'inline'; behavior: Behavior; payload: readonly string[] };
export type Behavior = 'domain' | 'ipcidr' | 'classical';
export type Format = 'yaml' | 'text' | 'mrs';

export interface Socks5Spec {
  name: string;
  type: 'socks5';
  server: string;
  port: number;
  username?: string;
  password?: string;
  udp?: boolean;
}

/** One edit. Rule indexes are positions in the config's `rules:` list. */
export type ConfigEditOp =
  | { op: 'rule.insert'; index?: number; rule: string }
  | { op: 'rule.replace'; index: number; rule: string }
  | { op: 'rule.delete'; index: number }
  | { op: 'rule.move'; from: number; to: number }
  | { op: 'rule-provider.put'; name: string; provider: RuleProviderSpec }
  | { op: 'rule-provider.delete'; name: string }
  | { op: 'proxy.put'; proxy: Socks5Spec }
  | { op: 'proxy.delete'; name: string }
  | { op: 'group.add-member'; group: string; name: string }
  | { op: 'group.remove-member'; group: string; name: string };

const W = 'POST /configs/edit';
const BEHAVIORS = ['domain', 'ipcidr', 'classical'] as const;
const FORMATS = ['yaml', 'text', 'mrs'] as const;

function bad(where: string, value: unknown, expected: string): SyError {
  return new SyError('SY_ERR_CONFIG_EDIT_OP', { where, value: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value), expected });
}

type Obj = Record<string, unknown>;
function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(where, v, 'an object');
  return v as Obj;
}
function str(o: Obj, k: string, where: string, opt = false): string | undefined {
  const v = o[k];
  if (v === undefined && opt) return undefined;
  if (typeof v !== 'string' || !v.trim() || v.length > 4096 || /[\r\n]/.test(v)) throw bad(`${where}.${k}`, v, 'a non-empty one-line string');
  return v.trim();
}
function int(o: Obj, k: string, where: string, min: number, max: number, opt = false): number | undefined {
  const v = o[k];
  if (v === undefined && opt) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`${where}.${k}`, v, `an integer ${min}..${max}`);
  return v;
}
function oneOf<T extends string>(o: Obj, k: string, where: string, list: readonly T[], opt = false): T | undefined {
  const v = o[k];
  if (v === undefined && opt) return undefined;
  if (!list.includes(v as T)) throw bad(`${where}.${k}`, v, `one of ${list.join(', ')}`);
  return v as T;
}

function parseProvider(v: unknown, w: string): RuleProviderSpec {
  const o = obj(v, w);
  const type = oneOf(o, 'type', w, ['http', 'file', 'inline'] as const)!;
  const behavior = oneOf(o, 'behavior', w, BEHAVIORS)!;
  if (type === 'inline') {
    const p = o.payload;
    if (!Array.isArray(p) || p.length > 100_000) throw bad(`${w}.payload`, p, 'a list of entries');
    const payload = p.map((e, i) => str({ e }, 'e', `${w}.payload[${i}]`)!);
    return { type, behavior, payload };
  }
  const format = oneOf(o, 'format', w, FORMATS, true);
  if (type === 'file') return { type, behavior, path: str(o, 'path', w)!, ...(format ? { format } : {}) };
  const url = str(o, 'url', w)!;
  if (!/^https?:\/\/[^\s]+$/i.test(url)) throw bad(`${w}.url`, url, 'an http:// or https:// URL');
  const interval = int(o, 'interval', w, 0, 365 * 86400, true);
  const path = str(o, 'path', w, true);
  return { type, behavior, url, ...(format ? { format } : {}), ...(interval !== undefined ? { interval } : {}), ...(path ? { path } : {}) };
}

function parseSocks5(v: unknown, w: string): Socks5Spec {
  const o = obj(v, w);
  oneOf(o, 'type', w, ['socks5'] as const);
  const s: Socks5Spec = { name: str(o, 'name', w)!, type: 'socks5', server: str(o, 'server', w)!, port: int(o, 'port', w, 1, 65535)! };
  const username = str(o, 'username', w, true);
  if (username) s.username = username;
  if (o.password !== undefined) {
    if (typeof o.password !== 'string' || o.password.length > 1024 || /[\r\n]/.test(o.password)) throw bad(`${w}.password`, '***', 'a one-line string');
    if (o.password) s.password = o.password;
  }
  if (o.udp !== undefined) {
    if (typeof o.udp !== 'boolean') throw bad(`${w}.udp`, o.udp, 'true or false');
    s.udp = o.udp;
  }
  return s;
}

/** Validates the wire body `{ops:[…]}` into ops (shape only). */
export function parseEditOps(body: unknown): ConfigEditOp[] {
  const ops = obj(body, W).ops;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > 1000) throw bad(`${W}.ops`, ops, 'a list of 1..1000 edits');
  return ops.map((raw, i): ConfigEditOp => {
    const w = `${W}.ops[${i}]`;
    const o = obj(raw, w);
    switch (o.op) {
      case 'rule.insert': {
        const index = int(o, 'index', w, 0, 1e7, true);
        return { op: o.op, rule: str(o, 'rule', w)!, ...(index !== undefined ? { index } : {}) };
      }
      case 'rule.replace':
        return { op: o.op, index: int(o, 'index', w, 0, 1e7)!, rule: str(o, 'rule', w)! };
      case 'rule.delete':
        return { op: o.op, index: int(o, 'index', w, 0, 1e7)! };
      case 'rule.move':
        return { op: o.op, from: int(o, 'from', w, 0, 1e7)!, to: int(o, 'to', w, 0, 1e7)! };
      case 'rule-provider.put':
        return { op: o.op, name: str(o, 'name', w)!, provider: parseProvider(o.provider, `${w}.provider`) };
      case 'rule-provider.delete':
      case 'proxy.delete':
        return { op: o.op, name: str(o, 'name', w)! };
      case 'proxy.put':
        return { op: o.op, proxy: parseSocks5(o.proxy, `${w}.proxy`) };
      case 'group.add-member':
      case 'group.remove-member':
        return { op: o.op, group: str(o, 'group', w)!, name: str(o, 'name', w)! };
      default:
        throw bad(`${w}.op`, o.op, 'rule.insert|replace|delete|move, rule-provider.put|delete, proxy.put|delete, group.add-member|remove-member');
    }
  });
}

/** Parses config text for editing; YAML errors are SY_ERR_CONFIG_YAML with line:col. */
export function parseForEdit(text: string, where = 'config'): Document {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  const e = doc.errors[0];
  if (e) throw new SyError('SY_ERR_CONFIG_YAML', { where: `${where}:${e.linePos?.[0]?.line ?? 0}:${e.linePos?.[0]?.col ?? 0}`, detail: e.message.split('\n')[0] });
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  if (!isMap(doc.contents)) throw new SyError('SY_ERR_CONFIG_NOT_MAPPING', { where });
  return doc;
}

/** Serialises without re-folding long lines. */
export function docText(doc: Document): string {
  return doc.toString({ lineWidth: 0 });
}

/** The list under `key`, created (block style) when absent. */
export function seqAt(doc: Document, key: string, create = true): YAMLSeq | undefined {
  const v = doc.get(key, true);
  if (isSeq(v)) return v;
  if (v !== undefined && v !== null && !(isScalar(v) && v.value === null)) throw new SyError('SY_ERR_CONFIG_TYPE', { where: key, expected: 'a list' });
  if (!create) return undefined;
  const s = new YAMLSeq();
  doc.set(key, s);
  return s;
}

function mapAt(doc: Document, key: string, create = true): YAMLMap | undefined {
  const v = doc.get(key, true);
  if (isMap(v)) return v;
  if (v !== undefined && v !== null && !(isScalar(v) && v.value === null)) throw new SyError('SY_ERR_CONFIG_TYPE', { where: key, expected: 'a mapping' });
  if (!create) return undefined;
  const m = new YAMLMap();
  doc.set(key, m);
  return m;
}

function checkIndex(i: number, len: number, where: string): void {
  if (i < 0 || i >= len) throw new SyError('SY_ERR_CONFIG_EDIT_NOT_FOUND', { where, value: String(i), expected: len ? `an index 0..${len - 1}` : 'an existing rule (the list is empty)' });
}

/** Index of the item of a list of mappings whose `name` is `name`, or -1. */
export function indexByName(seq: YAMLSeq, name: string): number {
  return seq.items.findIndex((it) => isMap(it) && String(it.get('name')) === name);
}

function socksNode(doc: Document, p: Socks5Spec, flow: boolean): YAMLMap {
  const m = doc.createNode({ ...p }) as YAMLMap;
  m.flow = flow;
  return m;
}

/** Applies one op to a parsed config document (mutates it). */
export function applyOp(doc: Document, op: ConfigEditOp): void {
  switch (op.op) {
    case 'rule.insert': {
      const rules = seqAt(doc, 'rules')!;
      const at = op.index ?? rules.items.length;
      if (at > rules.items.length) checkIndex(at, rules.items.length + 1, 'rules');
      rules.items.splice(at, 0, doc.createNode(op.rule));
      return;
    }
    case 'rule.replace': {
      const rules = seqAt(doc, 'rules')!;
      checkIndex(op.index, rules.items.length, 'rules');
      const old = rules.items[op.index];
      const node = doc.createNode(op.rule);
      // Keep a comment written on the replaced line.
      if (isScalar(old)) Object.assign(node, { comment: old.comment, commentBefore: old.commentBefore });
      rules.items[op.index] = node;
      return;
    }
    case 'rule.delete': {
      const rules = seqAt(doc, 'rules')!;
      checkIndex(op.index, rules.items.length, 'rules');
      rules.items.splice(op.index, 1);
      return;
    }
    case 'rule.move': {
      const rules = seqAt(doc, 'rules')!;
      checkIndex(op.from, rules.items.length, 'rules');
      checkIndex(op.to, rules.items.length, 'rules');
      const [it] = rules.items.splice(op.from, 1);
      rules.items.splice(op.to, 0, it);
      return;
    }
    case 'rule-provider.put': {
      const m = mapAt(doc, 'rule-providers')!;
      const node = doc.createNode({ ...op.provider });
      const old = m.get(op.name, true);
      if (isMap(old) && old.commentBefore) Object.assign(node, { commentBefore: old.commentBefore });
      m.set(op.name, node);
      return;
    }
    case 'rule-provider.delete': {
      const m = mapAt(doc, 'rule-providers', false);
      if (!m || !m.has(op.name)) throw new SyError('SY_ERR_CONFIG_EDIT_NOT_FOUND', { where: 'rule-providers', value: op.name, expected: 'a defined rule provider' });
      m.delete(op.name);
      return;
    }
    case 'proxy.put': {
      const list = seqAt(doc, 'proxies')!;
      const i = indexByName(list, op.proxy.name);
      const flow = i >= 0 ? isMap(list.items[i]) && !!(list.items[i] as YAMLMap).flow : list.items.length > 0 && isMap(list.items[list.items.length - 1]) && !!(list.items[list.items.length - 1] as YAMLMap).flow;
      const node = socksNode(doc, op.proxy, flow);
      if (i >= 0) list.items[i] = node;
      else list.items.push(node);
      return;
    }
    case 'proxy.delete': {
      const list = seqAt(doc, 'proxies', false);
      const i = list ? indexByName(list, op.name) : -1;
      if (!list || i < 0) throw new SyError('SY_ERR_CONFIG_EDIT_NOT_FOUND', { where: 'proxies', value: op.name, expected: 'a proxy defined in the config' });
      list.items.splice(i, 1);
      // A deleted proxy leaves every group it was a member of.
      const groups = seqAt(doc, 'proxy-groups', false);
      for (const g of groups?.items ?? []) if (isMap(g)) removeMember(g, op.name);
      return;
    }
    case 'group.add-member':
    case 'group.remove-member': {
      const groups = seqAt(doc, 'proxy-groups', false);
      const gi = groups ? indexByName(groups, op.group) : -1;
      if (!groups || gi < 0) throw new SyError('SY_ERR_CONFIG_EDIT_NOT_FOUND', { where: 'proxy-groups', value: op.group, expected: 'a proxy group defined in the config' });
      const g = groups.items[gi] as YAMLMap;
      if (op.op === 'group.remove-member') {
        if (!removeMember(g, op.name)) throw new SyError('SY_ERR_CONFIG_EDIT_NOT_FOUND', { where: `proxy-groups "${op.group}".proxies`, value: op.name, expected: 'a member of the group' });
        return;
      }
      const cur: unknown = g.get('proxies', true);
      let seq: YAMLSeq;
      if (isSeq(cur)) seq = cur;
      else {
        seq = new YAMLSeq();
        seq.flow = true;
        g.set('proxies', seq);
      }
      if (!seq.items.some((it) => isScalar(it) && String(it.value) === op.name)) seq.items.push(doc.createNode(op.name));
      return;
    }
  }
}

function removeMember(g: YAMLMap, name: string): boolean {
  const members = g.get('proxies', true);
  if (!isSeq(members)) return false;
  const i = members.items.findIndex((it) => isScalar(it) && String(it.value) === name);
  if (i < 0) return false;
  members.items.splice(i, 1);
  return true;
}

/** Applies the ops in order to config text; the first failing op throws and nothing is returned. */
export function applyConfigEdits(text: string, ops: readonly ConfigEditOp[], where = 'config'): string {
  const doc = parseForEdit(text, where);
  for (const op of ops) applyOp(doc, op);
  return docText(doc);
}
