// YAML text -> a located tree (every node keeps line:col), via the `yaml`
// package's Document API. Aliases resolve to the anchored node (converted once,
// so alias bombs stay linear), merge keys (`<<: *x`, `<<: [*x, *y]`) are
// applied with explicit keys winning, and duplicate keys are located errors.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Document } from 'yaml';
import type { Diagnostics } from './diagnostics.js';

export interface Pos {
  readonly line: number;
  readonly col: number;
}
export interface LScalar {
  readonly kind: 'scalar';
  /** Parsed value (YAML 1.2 core schema). */
  readonly value: string | number | boolean | null;
  /** The text as written for plain scalars (`0x2d0`, `1.10`), the value for quoted ones. */
  readonly text: string;
  readonly pos: Pos;
}
export interface LSeq {
  readonly kind: 'seq';
  readonly items: readonly LNode[];
  readonly pos: Pos;
}
export interface LEntry {
  readonly key: string;
  readonly keyPos: Pos;
  readonly value: LNode;
}
export interface LMap {
  readonly kind: 'map';
  readonly entries: readonly LEntry[];
  readonly pos: Pos;
}
export type LNode = LScalar | LSeq | LMap;

/** Nesting deeper than this is refused (no real config comes close). */
const MAX_DEPTH = 64;
/** YAML syntax errors reported per file. */
const MAX_YAML_ERRORS = 20;

/** Parse `text`; YAML errors and duplicate keys go to `diag`. Returns null when the YAML itself is broken. */
export function parseYamlTree(text: string, diag: Diagnostics): LNode | null {
  const lc = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, merge: false, prettyErrors: false });
  } catch (cause) {
    diag.error('SY_ERR_CONFIG_YAML', { line: 1, col: 1 }, '', { cause, detail: 'the YAML parser failed' });
    return null;
  }
  const lines = text.split('\n');
  const at = (offset: number | undefined): Pos => {
    const p = lc.linePos(offset ?? 0);
    return { line: p.line, col: p.col };
  };
  // One broken bracket can cascade into hundreds of parser errors: show the first ones.
  for (const e of doc.errors.slice(0, MAX_YAML_ERRORS)) {
    const pos = at(e.pos[0]);
    diag.error('SY_ERR_CONFIG_YAML', pos, '', {
      value: (lines[pos.line - 1] ?? '').trim(),
      detail: e.message.split('\n')[0],
      expected: 'well-formed YAML',
    });
  }
  if (doc.errors.length > MAX_YAML_ERRORS) {
    const last = doc.errors[doc.errors.length - 1]!;
    diag.error('SY_ERR_CONFIG_YAML', at(last.pos[0]), '', { detail: `${doc.errors.length - MAX_YAML_ERRORS} more YAML errors not shown; fix the first ones and check again` });
  }
  if (doc.errors.length > 0) return null;
  if (doc.contents === null) return { kind: 'map', entries: [], pos: { line: 1, col: 1 } };
  return new TreeBuilder(doc, at, diag).build(doc.contents as YamlNode, 0, '');
}

class TreeBuilder {
  /** Anchored nodes already converted (aliases share the result). */
  private readonly done = new Map<YamlNode, LNode>();
  private readonly active = new Set<YamlNode>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly at: (offset: number | undefined) => Pos,
    private readonly diag: Diagnostics,
  ) {}

  build(node: YamlNode, depth: number, path: string): LNode {
    const pos = this.at(node.range?.[0]);
    if (depth > MAX_DEPTH) {
      this.diag.error('SY_ERR_CONFIG_LIMIT', pos, path, { expected: `at most ${MAX_DEPTH} levels of nesting` });
      return nullAt(pos);
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as YamlNode | undefined;
      if (!target) {
        this.diag.error('SY_ERR_CONFIG_YAML', pos, path, { value: `*${node.source}`, detail: 'alias to an unknown anchor', expected: 'an alias to an anchor defined earlier in the file (&name)' });
        return nullAt(pos);
      }
      const seen = this.done.get(target);
      if (seen) return seen;
      if (this.active.has(target)) {
        this.diag.error('SY_ERR_CONFIG_YAML', pos, path, { value: `*${node.source}`, detail: 'alias refers to the node that contains it', expected: 'an alias to a node outside its own definition' });
        return nullAt(pos);
      }
      return this.build(target, depth + 1, path);
    }
    this.active.add(node);
    const out = this.convert(node, pos, depth, path);
    this.active.delete(node);
    if (node.anchor) this.done.set(node, out);
    return out;
  }

  private convert(node: YamlNode, pos: Pos, depth: number, path: string): LNode {
    if (isScalar(node)) {
      const v = node.value;
      const value = v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as string | number | boolean);
      const text = typeof value === 'string' ? value : typeof node.source === 'string' ? node.source : String(value);
      return { kind: 'scalar', value: value !== null && typeof value === 'object' ? String(value) : value, text, pos };
    }
    if (isSeq(node)) {
      const items = node.items.map((it, i) => (it ? this.build(it as YamlNode, depth + 1, `${path}[${i}]`) : nullAt(pos)));
      return { kind: 'seq', items, pos };
    }
    if (isMap(node)) return this.convertMap(node.items, pos, depth, path);
    return nullAt(pos);
  }

  private convertMap(pairs: readonly unknown[], pos: Pos, depth: number, path: string): LMap {
    const explicit: LEntry[] = [];
    const merged: LEntry[] = [];
    const keys = new Set<string>();
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyPos = keyNode ? this.at(keyNode.range?.[0]) : pos;
      if (keyNode && !isScalar(keyNode)) {
        this.diag.error('SY_ERR_CONFIG_TYPE', keyPos, path, { detail: 'a mapping key must be a plain value', expected: 'a string key' });
        continue;
      }
      const key = keyNode && isScalar(keyNode) ? String(keyNode.value ?? '') : '';
      const sub = path ? `${path}.${key}` : key;
      const valueNode = pair.value as YamlNode | null;
      if (key === '<<' && keyNode && (keyNode as { type?: string }).type === 'PLAIN') {
        if (valueNode) this.merge(valueNode, depth, path, merged);
        continue;
      }
      if (keys.has(key)) {
        this.diag.error('SY_ERR_CONFIG_DUPLICATE_KEY', keyPos, sub, { value: key, expected: 'each key at most once in a mapping' });
        continue;
      }
      keys.add(key);
      const value = valueNode ? this.build(valueNode, depth + 1, sub) : nullAt(keyPos);
      explicit.push({ key, keyPos, value });
    }
    // Merge keys: explicit keys win, then earlier merge sources win.
    for (const m of merged) {
      if (keys.has(m.key)) continue;
      keys.add(m.key);
      explicit.push(m);
    }
    return { kind: 'map', entries: explicit, pos };
  }

  private merge(valueNode: YamlNode, depth: number, path: string, into: LEntry[]): void {
    const src = this.build(valueNode, depth + 1, `${path}.<<`);
    const sources = src.kind === 'seq' ? src.items : [src];
    for (const s of sources) {
      if (s.kind !== 'map') {
        this.diag.error('SY_ERR_CONFIG_TYPE', s.pos, path ? `${path}.<<` : '<<', {
          value: s.kind === 'scalar' ? s.value : s.kind,
          expected: 'a mapping or a list of mappings (usually an alias like *name)',
        });
        continue;
      }
      into.push(...s.entries);
    }
  }
}

function nullAt(pos: Pos): LScalar {
  return { kind: 'scalar', value: null, text: '', pos };
}
