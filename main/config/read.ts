// Typed readers over the located YAML tree. Each returns the value, or
// undefined after recording a located error naming the bad value and what
// would be valid. A null value (`key:` with nothing after it) reads as absent.
import type { Diagnostics } from './diagnostics.js';
import type { LEntry, LMap, LNode, LScalar, LSeq } from './yaml-tree.js';

export function isNull(n: LNode): boolean {
  return n.kind === 'scalar' && n.value === null;
}

/** How a node is shown as "got …" in a message. */
export function shown(n: LNode): unknown {
  if (n.kind === 'scalar') return n.value === null ? null : n.kind === 'scalar' && typeof n.value === 'string' ? n.value : n.text;
  return n.kind === 'seq' ? `a list of ${n.items.length}` : `a mapping of ${n.entries.length} key(s)`;
}

export function readMap(d: Diagnostics, n: LNode, path: string, what = 'a mapping (key: value)'): LMap | undefined {
  if (n.kind === 'map') return n;
  if (isNull(n)) return { kind: 'map', entries: [], pos: n.pos };
  d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { value: shown(n), expected: what });
  return undefined;
}

export function readSeq(d: Diagnostics, n: LNode, path: string, what = 'a list'): LSeq | undefined {
  if (n.kind === 'seq') return n;
  if (isNull(n)) return { kind: 'seq', items: [], pos: n.pos };
  d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { value: shown(n), expected: what });
  return undefined;
}

/** A string; numbers and booleans are taken as written (`password: 1234` is "1234"), as go-yaml does. */
export function readString(d: Diagnostics, n: LNode, path: string, what = 'a string'): string | undefined {
  if (n.kind === 'scalar' && n.value !== null) return typeof n.value === 'string' ? n.value : n.text;
  if (isNull(n)) return undefined;
  d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { value: shown(n), expected: what });
  return undefined;
}

export function readNonEmptyString(d: Diagnostics, n: LNode, path: string, what = 'a non-empty string'): string | undefined {
  const s = readString(d, n, path, what);
  if (s === undefined) return undefined;
  if (s.trim() === '') {
    d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { value: s, expected: what });
    return undefined;
  }
  return s;
}

export function readInt(d: Diagnostics, n: LNode, path: string, min: number, max: number, unit = ''): number | undefined {
  const expected = `an integer ${min}-${max}${unit ? ' ' + unit : ''}`;
  if (isNull(n)) return undefined;
  if (n.kind !== 'scalar' || typeof n.value !== 'number' || !Number.isInteger(n.value)) {
    d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { value: shown(n), expected });
    return undefined;
  }
  if (n.value < min || n.value > max) {
    d.error('SY_ERR_CONFIG_RANGE', n.pos, path, { value: n.value, expected });
    return undefined;
  }
  return n.value;
}

export function readPort(d: Diagnostics, n: LNode, path: string): number | undefined {
  return readInt(d, n, path, 0, 65535);
}

export function readBool(d: Diagnostics, n: LNode, path: string): boolean | undefined {
  if (isNull(n)) return undefined;
  if (n.kind === 'scalar' && typeof n.value === 'boolean') return n.value;
  d.error('SY_ERR_CONFIG_TYPE', n.pos, path, { value: shown(n), expected: 'true or false' });
  return undefined;
}

/** One of `values`; compared case-insensitively when `ci`; returns the canonical spelling. */
export function readEnum<T extends string>(d: Diagnostics, n: LNode, path: string, values: readonly T[], ci = false): T | undefined {
  const s = readString(d, n, path, `one of ${values.join(', ')}`);
  if (s === undefined) return undefined;
  const hit = values.find((v) => (ci ? v.toLowerCase() === s.toLowerCase() : v === s));
  if (hit === undefined) d.error('SY_ERR_CONFIG_ENUM', n.pos, path, { value: s, expected: `one of ${values.join(', ')}` });
  return hit;
}

/** A list of strings; a single string is NOT accepted (Clash lists are lists). */
export function readStringList(d: Diagnostics, n: LNode, path: string, what = 'a list of strings'): string[] | undefined {
  const seq = readSeq(d, n, path, what);
  if (!seq) return undefined;
  const out: string[] = [];
  seq.items.forEach((it, i) => {
    const s = readNonEmptyString(d, it, `${path}[${i}]`, 'a non-empty string');
    if (s !== undefined) out.push(s);
  });
  return out;
}

/** A string or a list of strings (hosts values, nameserver-policy values). */
export function readStringOrList(d: Diagnostics, n: LNode, path: string): string[] | undefined {
  if (n.kind === 'scalar' && n.value !== null) return [readString(d, n, path)!];
  return readStringList(d, n, path, 'a string or a list of strings');
}

export function scalarAt(n: LNode): n is LScalar {
  return n.kind === 'scalar';
}

/** Key -> handler dispatch for a mapping; keys without a handler go to `unknown`. */
export function forEachEntry(
  map: LMap,
  handlers: Readonly<Record<string, (e: LEntry) => void>>,
  unknown: (e: LEntry) => void,
): void {
  for (const e of map.entries) {
    const h = Object.prototype.hasOwnProperty.call(handlers, e.key) ? handlers[e.key] : undefined;
    if (h) h(e);
    else unknown(e);
  }
}

/**
 * Set an own property, also for keys like `__proto__` that plain assignment
 * would turn into a prototype change (user-written map keys reach here).
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
