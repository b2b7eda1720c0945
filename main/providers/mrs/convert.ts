// Rule-set conversion in every direction between text, yaml and .mrs (what
// `switchyard ruleset convert` runs). The input's format is sniffed from its
// content (zstd magic → mrs; a `payload:`/`rules:` key → yaml; else text);
// its behavior comes from the .mrs header, else `behavior`, else the entries
// (most entries prefixes → ipcidr, domain wildcards → domain, TYPE,… → classical). Malformed entries
// are skipped with located warnings, as providers do.
import { SyError } from '../../core/errors.js';
import { readEntries, WarningList } from '../read-entries.js';
import { decodeMrs, encodeMrs, looksLikeMrs, normDomainEntry, type MrsBehavior } from './index.js';
import { prefixToRange } from './ipcidr.js';

export type SetFormat = 'text' | 'yaml' | 'mrs';
export type SetBehavior = 'domain' | 'ipcidr' | 'classical';

export interface ConvertInput {
  readonly data: Uint8Array;
  /** The input's name for error locations. */
  readonly where: string;
  readonly behavior?: SetBehavior;
  readonly to: SetFormat;
}

export interface ConvertOutput {
  readonly data: Buffer;
  readonly from: SetFormat;
  readonly behavior: SetBehavior;
  /** Entries written (each set member once for mrs input). */
  readonly entries: number;
  readonly warnings: SyError[];
}

export function sniffFormat(data: Uint8Array): SetFormat {
  if (looksLikeMrs(data)) return 'mrs';
  const head = Buffer.from(data.subarray(0, 64 * 1024)).toString('utf8');
  return /^(payload|rules):/m.test(head) ? 'yaml' : 'text';
}

const isPrefix = (e: string) => prefixToRange(e) !== null;

function inferBehavior(values: readonly string[], where: string): SetBehavior {
  if (values.length === 0) throw new SyError('SY_ERR_PROVIDER_CONVERT', { where, detail: 'no entries' });
  // Most entries decide (a few malformed ones are skipped with warnings later).
  const votes: [SetBehavior, number][] = [
    ['ipcidr', values.filter(isPrefix).length],
    ['domain', values.filter((v) => !isPrefix(v) && normDomainEntry(v) !== '').length],
    ['classical', values.filter((v) => /^[A-Z][A-Z0-9-]*,/.test(v)).length],
  ];
  votes.sort((x, y) => y[1] - x[1]);
  if (votes[0]![1] * 2 > values.length) return votes[0]![0];
  throw new SyError('SY_ERR_PROVIDER_CONVERT', { where, detail: 'cannot tell the behavior from the entries', expected: '--behavior domain|ipcidr|classical' });
}

export function convertRuleSet(inp: ConvertInput): ConvertOutput {
  const from = sniffFormat(inp.data);
  const warn = new WarningList();
  let behavior: SetBehavior;
  let values: string[];
  if (from === 'mrs') {
    const set = decodeMrs(inp.data, inp.where, inp.behavior === 'classical' ? undefined : inp.behavior);
    behavior = set.behavior;
    values = set.behavior === 'domain' ? set.entries.sort() : set.entries;
  } else {
    const entries = readEntries(Buffer.from(inp.data).toString('utf8'), from, inp.where, warn).entries;
    behavior = inp.behavior ?? inferBehavior(entries.map((e) => e.value), inp.where);
    values = [];
    const seen = new Set<string>();
    for (const e of entries) {
      const v = behavior === 'domain' ? normDomainEntry(e.value) : behavior === 'ipcidr' ? (isPrefix(e.value) ? e.value : '') : e.value;
      if (!v) {
        warn.push(new SyError('SY_ERR_PROVIDER_BAD_ENTRY', { where: `${inp.where}:${e.line}`, value: e.value, expected: behavior === 'domain' ? 'a domain or Clash wildcard' : 'an address with a prefix length' }));
        continue;
      }
      if (!seen.has(v)) values.push(v);
      seen.add(v);
    }
  }
  if (values.length === 0) throw new SyError('SY_ERR_PROVIDER_CONVERT', { where: inp.where, detail: 'no usable entries' });
  let data: Buffer;
  if (inp.to === 'mrs') {
    if (behavior === 'classical') throw new SyError('SY_ERR_PROVIDER_CONVERT', { where: inp.where, value: 'classical', expected: 'behavior domain or ipcidr (.mrs holds only those)' });
    data = encodeMrs(behavior as MrsBehavior, values, inp.where);
  } else if (inp.to === 'yaml') {
    data = Buffer.from(`payload:\n${values.map((v) => `  - '${v.replace(/'/g, "''")}'\n`).join('')}`);
  } else {
    data = Buffer.from(`${values.join('\n')}\n`);
  }
  return { data, from, behavior, entries: values.length, warnings: warn.done(inp.where) };
}
