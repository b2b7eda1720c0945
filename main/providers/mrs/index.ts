// mihomo's binary rule sets (.mrs, reference.md §2.5): a zstd stream of
//   "MRS" 0x01 | behavior (domain 0, ipcidr 1) | int64 BE count |
//   int64 BE extra length + extra | body (domain trie or ipcidr ranges).
// decodeMrs returns Clash text entries (domains as wildcards, addresses as
// prefixes) that the ordinary builders compile, so an .mrs set matches
// exactly what its text twin matches. Every malformed input fails with
// SY_ERR_PROVIDER_MRS located at `where` (and the byte offset).
import { SyError } from '../../core/errors.js';
import { cleanName, type DomainSet } from '../../rules/sets/domain-set.js';
import { decodeDomainBody, encodeDomainBody, entriesToKeys } from './domain-trie.js';
import { decodeIpBody, encodeIpBody, mergeRanges, prefixToRange, rangeToPrefixes, type Range } from './ipcidr.js';
import { i64, Reader } from './reader.js';
import { zstdDecode, zstdStore } from './zstd.js';

export type MrsBehavior = 'domain' | 'ipcidr';
const BYTE: Record<MrsBehavior, number> = { domain: 0, ipcidr: 1 };
const MAGIC = [0x4d, 0x52, 0x53, 0x01]; // "MRS" v1
/** Decompressed size cap: far above any real rule set. */
export const MAX_MRS_DECODED = 512 * 1024 * 1024;

export interface MrsSet {
  readonly behavior: MrsBehavior;
  /** The header's count (entries the writer inserted). */
  readonly count: number;
  /** Clash text entries, each set member once. */
  readonly entries: string[];
}

/** True when the bytes look like zstd (how `ruleset convert` sniffs .mrs input). */
export function looksLikeMrs(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
}

/** A valid Clash domain wildcard, normalised; '' when invalid. */
export function normDomainEntry(e: string): string {
  const t = e.trim().toLowerCase();
  if (t === '*') return t;
  const pre = t.startsWith('+.') ? '+.' : t.startsWith('.') ? '.' : '';
  const name = cleanName(t.slice(pre.length));
  return name && !name.includes('+') ? pre + name : '';
}

/** Encodes entries (already validated) as an .mrs file. Throws SY_ERR_PROVIDER_CONVERT when empty. */
export function encodeMrs(behavior: MrsBehavior, entries: readonly string[], where = 'mrs'): Buffer {
  if (entries.length === 0) throw new SyError('SY_ERR_PROVIDER_CONVERT', { where, detail: 'no entries (mihomo: "empty rule")' });
  let body: Buffer;
  if (behavior === 'domain') body = encodeDomainBody(entriesToKeys(entries));
  else {
    const rs: Range[] = [];
    for (const e of entries) {
      const r = prefixToRange(e);
      if (!r) throw new SyError('SY_ERR_PROVIDER_CONVERT', { where, value: e, expected: 'an address with a prefix length' });
      rs.push(r);
    }
    body = encodeIpBody(mergeRanges(rs));
  }
  const head = Buffer.concat([Buffer.from(MAGIC), Buffer.from([BYTE[behavior]]), i64(entries.length), i64(0)]);
  return zstdStore(Buffer.concat([head, body]));
}

/**
 * Decodes an .mrs file. `expect` (the provider's behavior) must match the
 * behavior byte. The header count must cover the decoded units (a count
 * smaller than what the body holds is a mismatch); trailing bytes are errors.
 */
export function decodeMrs(file: Uint8Array, where: string, expect?: MrsBehavior): MrsSet {
  const r = new Reader(zstdDecode(file, where, MAX_MRS_DECODED), where);
  const magic = r.bytes(4, 'magic');
  if (magic[0] !== MAGIC[0] || magic[1] !== MAGIC[1] || magic[2] !== MAGIC[2]) r.fail('wrong magic (expected "MRS")');
  if (magic[3] !== 1) r.fail(`unsupported MRS version ${magic[3]} (expected 1)`);
  const b = r.u8('behavior');
  const behavior: MrsBehavior | undefined = b === 0 ? 'domain' : b === 1 ? 'ipcidr' : undefined;
  if (!behavior) r.fail(`behavior byte ${b} (expected 0 = domain or 1 = ipcidr)`);
  if (expect && behavior !== expect) r.fail(`the file holds a ${behavior} set but the provider's behavior is ${expect}`);
  const count = r.len('count', Number.MAX_SAFE_INTEGER);
  const extra = r.len('extra length', r.left);
  r.bytes(extra, 'extra');
  let entries: string[];
  let units: number;
  if (behavior === 'domain') {
    entries = decodeDomainBody(r);
    units = entries.length;
  } else {
    const ranges = decodeIpBody(r);
    units = ranges.length;
    entries = ranges.flatMap(rangeToPrefixes);
  }
  if (r.left !== 0) r.fail(`${r.left} bytes after the body`);
  if (count < units) r.fail(`count mismatch: the header says ${count} but the body holds ${units}`);
  return { behavior: behavior!, count, entries };
}

const PLAIN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/**
 * Decoded domain entries → a DomainSet without re-validating what the trie
 * already guarantees: plain lower-case names go straight in (x exact, +.x
 * suffix); anything else takes the full wildcard parser. Returns the
 * entries the parser refused (with why) so the caller can warn.
 */
export function fillDomainSet(set: DomainSet, entries: readonly string[]): { value: string; why: string }[] {
  const refused: { value: string; why: string }[] = [];
  for (const e of entries) {
    if (e.startsWith('+.') && PLAIN.test(e.slice(2))) set.addSuffix(e.slice(2));
    else if (PLAIN.test(e)) set.addExact(e);
    else {
      const why = set.addWildcard(e);
      if (why) refused.push({ value: e, why });
    }
  }
  return refused;
}
