// mihomo's succinct domain set (component/trie DomainSet, "LOUDS"): keys are
// the domains REVERSED ("moc.elgoog"), sorted, laid out breadth-first.
//   labelBitmap: per node, one 0 bit per child label, then a 1 bit;
//   labels:      the child labels (bytes) in that order;
//   leaves:      bit i set when node i (BFS order, root 0) ends a key.
// Body: version 1, then int64 BE word count + uint64 BE words (leaves), the
// same for labelBitmap, then int64 BE length + the label bytes.
//
// Key forms (mihomo's DomainTrie.Foreach): "x" exact; "+.x" any subdomain of
// x but not x itself (a "+.x" entry is stored as both "x" and "+.x"); "*"
// labels match exactly one label. This module maps them to and from Clash
// wildcards: "+.x" ⇔ keys {x, +.x}, ".x" ⇔ {+.x}.
import { i64, Reader } from './reader.js';

/** Clash wildcard entries → trie keys (forward order), deduplicated. Entries must be valid and lower-case. */
export function entriesToKeys(entries: Iterable<string>): string[] {
  const keys = new Set<string>();
  for (const e of entries) {
    if (e.startsWith('+.')) {
      keys.add(e.slice(2));
      keys.add(e);
    } else if (e.startsWith('.')) keys.add(`+${e}`);
    else keys.add(e);
  }
  return [...keys];
}

/** Trie keys → Clash wildcard entries (each set member once), in key order. */
export function keysToEntries(keys: readonly string[]): string[] {
  const all = new Set(keys);
  const out: string[] = [];
  for (const k of keys) {
    if (k.startsWith('+.')) out.push(all.has(k.slice(2)) ? k : k.slice(1));
    else if (!all.has(`+.${k}`)) out.push(k);
  }
  return out;
}

const rev = (s: string) => s.split('').reverse().join('');

function setBit(bm: number[], i: number): void {
  while (i >> 5 >= bm.length) bm.push(0);
  bm[i >> 5]! |= 1 << (i & 31);
}

/** 32-bit halves → uint64 BE words as written by Go's binary.Write. */
function words(bm32: number[]): Buffer {
  const n = Math.max(1, Math.ceil(bm32.length / 2));
  const b = Buffer.alloc(8 + n * 8);
  b.writeBigInt64BE(BigInt(n), 0);
  for (let w = 0; w < n; w++) {
    b.writeUInt32BE((bm32[2 * w + 1] ?? 0) >>> 0, 8 + w * 8);
    b.writeUInt32BE((bm32[2 * w] ?? 0) >>> 0, 12 + w * 8);
  }
  return b;
}

/** Encodes trie keys (forward order) as the DomainSet body. At least one key. */
export function encodeDomainBody(keysFwd: readonly string[]): Buffer {
  const keys = [...new Set(keysFwd.map(rev))].sort();
  const leaves: number[] = [];
  const bitmap: number[] = [];
  const labels: number[] = [];
  let l = 0;
  // queue of [start, end, col] as in mihomo's NewDomainSet
  const qs: number[] = [0];
  const qe: number[] = [keys.length];
  const qc: number[] = [0];
  for (let i = 0; i < qs.length; i++) {
    let s = qs[i]!;
    const e = qe[i]!;
    const col = qc[i]!;
    if (col === keys[s]!.length) {
      s++;
      setBit(leaves, i);
    }
    for (let j = s; j < e; ) {
      const frm = j;
      const c = keys[frm]!.charCodeAt(col);
      while (j < e && keys[j]!.charCodeAt(col) === c) j++;
      qs.push(frm);
      qe.push(j);
      qc.push(col + 1);
      labels.push(c);
      l++; // a 0 bit
    }
    setBit(bitmap, l);
    l++;
  }
  const lab = Buffer.from(labels);
  return Buffer.concat([Buffer.from([1]), words(leaves), words(bitmap), i64(lab.length), lab]);
}

function readWords(r: Reader, what: string): Uint32Array {
  const n = r.len(`${what} word count`, Math.floor(r.left / 8));
  if (n < 1) r.fail(`${what}: length is invalid (0)`);
  const raw = r.bytes(n * 8, what);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Uint32Array(n * 2); // little halves first: bit i = out[i>>5] bit (i&31)
  for (let w = 0; w < n; w++) {
    out[2 * w + 1] = dv.getUint32(w * 8);
    out[2 * w] = dv.getUint32(w * 8 + 4);
  }
  return out;
}

const bit = (bm: Uint32Array, i: number) => (i >> 5 < bm.length ? (bm[i >> 5]! >>> (i & 31)) & 1 : 0);

/** Decodes a DomainSet body into Clash wildcard entries (each set member once; see keysToEntries). */
export function decodeDomainBody(r: Reader): string[] {
  const version = r.u8('domain set version');
  if (version !== 1) r.fail(`domain set version ${version} (expected 1)`);
  const leaves = readWords(r, 'leaves');
  const bitmap = readWords(r, 'label bitmap');
  const nLabels = r.len('label count', r.left);
  if (nLabels < 1) r.fail('labels: length is invalid (0)');
  const labels = r.bytes(nLabels, 'labels');
  const totalBits = bitmap.length * 32;
  // LOUDS walk: node ids in BFS order; each 0 bit is a child of the current node.
  const parent = new Int32Array(nLabels + 1);
  const label = new Uint8Array(nLabels + 1);
  parent[0] = -1;
  let next = 1;
  let node = 0;
  for (let bm = 0; node < next; bm++) {
    if (bm >= totalBits) r.fail(`label bitmap ends inside node ${node}`);
    if (bit(bitmap, bm)) {
      node++;
      continue;
    }
    const li = bm - node;
    if (li >= nLabels || next > nLabels) r.fail(`label bitmap refers past the ${nLabels} labels`);
    parent[next] = node;
    label[next] = labels[li]!;
    next++;
  }
  // Depth of each node (parents come first in BFS order) sizes the key buffer.
  const depth = new Uint16Array(next);
  let maxDepth = 0;
  for (let n = 1; n < next; n++) {
    const d = depth[parent[n]!]! + 1;
    depth[n] = d > 0xffff ? 0xffff : d;
    if (d > maxDepth) maxDepth = d;
  }
  // Keys → Clash wildcards straight from the trie: a leaf "+" under "." under
  // the node of x is the key "+.x"; it reads as "+.x" when x is a key too
  // (then x itself is not emitted separately), else as ".x".
  const PLUS = 0x2b;
  const DOT = 0x2e;
  const isLeaf = (n: number) => bit(leaves, n) === 1;
  const merged = new Uint8Array(next);
  const plusOf = (n: number) => (label[n] === PLUS && n > 0 && parent[n]! > 0 && label[parent[n]!] === DOT ? parent[parent[n]!]! : -1);
  for (let n = 1; n < next; n++) {
    if (!isLeaf(n)) continue;
    const g = plusOf(n);
    if (g > 0 && isLeaf(g)) merged[g] = 1;
  }
  const entries: string[] = [];
  const buf = Buffer.alloc(Math.min(maxDepth, 0xffff));
  for (let n = 1; n < next; n++) {
    if (!isLeaf(n) || merged[n]) continue;
    let len = 0;
    for (let p = n; p > 0 && len < buf.length; p = parent[p]!) buf[len++] = label[p]!; // leaf → root = forward order
    const g = plusOf(n);
    entries.push(buf.toString('latin1', g > 0 && !isLeaf(g) ? 1 : 0, len));
  }
  return entries;
}
