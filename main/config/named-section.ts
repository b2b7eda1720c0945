// Sections that map names to settings (`rule-providers:`, `proxy-providers:`):
// the mapping, non-empty names, each name noted for cross-references, and
// each entry's own mapping read by the section's reader.
import type { SectionContext } from './general.js';
import { readMap, setOwn } from './read.js';
import type { LEntry, LMap } from './yaml-tree.js';

export function readNamedSection<T>(
  cx: SectionContext,
  e: LEntry,
  section: string,
  entryExpected: string,
  names: Set<string>,
  readOne: (name: string, m: LMap, path: string) => T | undefined,
): Record<string, T> {
  const out: Record<string, T> = {};
  const map = readMap(cx.d, e.value, section, 'a mapping of provider name: settings');
  if (!map) return out;
  for (const x of map.entries) {
    const path = `${section}.${x.key}`;
    if (x.key.trim() === '') {
      cx.d.error('SY_ERR_CONFIG_TYPE', x.keyPos, path, { value: x.key, expected: 'a non-empty provider name' });
      continue;
    }
    names.add(x.key);
    const m = readMap(cx.d, x.value, path, entryExpected);
    if (!m) continue;
    const p = readOne(x.key, m, path);
    if (p) setOwn(out, x.key, p);
  }
  return out;
}
