// Reads the entries of a rule-provider file, as mihomo does
// (rules/provider/provider.go): `text` is one entry a line (trimmed; blank,
// `#` and `//` lines skipped); `yaml` is read line by line: find the first
// `payload:` or `rules:` key, then every following `- item` line is one entry
// (`#` comment lines skipped, bad lines skipped with a warning). A flow list
// (`payload: [a, b]`) yields no entries, as in mihomo.
import { SyError } from '../core/errors.js';

export interface Entry {
  /** The entry text, unquoted and trimmed. */
  readonly value: string;
  /** 1-based line number in the source. */
  readonly line: number;
}

export interface ReadResult {
  readonly entries: Entry[];
  readonly warnings: SyError[];
  /** yaml only: whether a `payload:`/`rules:` key was found. */
  readonly foundKey: boolean;
}

/** Warnings kept per load; the rest are counted in one summary warning. */
export const MAX_WARNINGS = 50;

export class WarningList {
  readonly list: SyError[] = [];
  private dropped = 0;
  push(e: SyError): void {
    if (this.list.length < MAX_WARNINGS) this.list.push(e);
    else this.dropped++;
  }
  /** The kept warnings plus one summary of the dropped ones. */
  done(where: string): SyError[] {
    if (this.dropped > 0) {
      this.list.push(new SyError('SY_ERR_PROVIDER_BAD_ENTRY', { where, detail: `${this.dropped} more malformed entries skipped` }));
      this.dropped = 0;
    }
    return this.list;
  }
}

/** `source` names the file (or `inline provider x`) in warnings: `<source>:<line>`. */
export function readEntries(text: string, format: 'yaml' | 'text', source: string, warn: WarningList): ReadResult {
  const lines = text.split('\n');
  if (lines[0]?.charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  return format === 'text' ? readText(lines) : readYaml(lines, source, warn);
}

function readText(lines: string[]): ReadResult {
  const entries: Entry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i]!.trim();
    if (v === '' || v.startsWith('#') || v.startsWith('//')) continue;
    entries.push({ value: v, line: i + 1 });
  }
  return { entries, warnings: [], foundKey: true };
}

const KEY_RE = /^(payload|rules)\s*:\s*(?:#.*)?$/;
const TOP_KEY_RE = /^[A-Za-z0-9_-]+\s*:(?:\s|$)/;

function readYaml(lines: string[], source: string, warn: WarningList): ReadResult {
  const entries: Entry[] = [];
  let i = 0;
  while (i < lines.length && !KEY_RE.test(lines[i]!.trim())) i++;
  if (i >= lines.length) return { entries, warnings: [], foundKey: false };
  for (i++; i < lines.length; i++) {
    const raw = lines[i]!;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (TOP_KEY_RE.test(raw)) break; // the next top-level key ends the list
    if (t !== '-' && !t.startsWith('- ')) {
      warn.push(new SyError('SY_ERR_PROVIDER_BAD_ENTRY', { where: `${source}:${i + 1}`, value: t, expected: 'a "- item" line' }));
      continue;
    }
    const v = scalar(t.slice(1).trim());
    if (v === null || v === '') {
      warn.push(new SyError('SY_ERR_PROVIDER_BAD_ENTRY', { where: `${source}:${i + 1}`, value: t, expected: 'a non-empty scalar item' }));
      continue;
    }
    entries.push({ value: v, line: i + 1 });
  }
  return { entries, warnings: [], foundKey: true };
}

/** A YAML scalar on one line: 'single', "double" (common escapes) or plain (up to ` #`). null when malformed. */
export function scalar(s: string): string | null {
  if (s === '') return '';
  const q = s[0];
  if (q === "'") {
    let out = '';
    let j = 1;
    for (; j < s.length; j++) {
      if (s[j] === "'") {
        if (s[j + 1] === "'") {
          out += "'";
          j++;
        } else break;
      } else out += s[j];
    }
    if (j >= s.length || !restIsComment(s.slice(j + 1))) return null;
    return out.trim();
  }
  if (q === '"') {
    let out = '';
    let j = 1;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\') {
        const n = s[++j];
        if (n === undefined) return null;
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      } else out += s[j];
    }
    if (j >= s.length || !restIsComment(s.slice(j + 1))) return null;
    return out.trim();
  }
  if (q === '[' || q === '{' || q === '&' || q === '*' || q === '!' || q === '|' || q === '>') return null;
  const hash = s.search(/\s#/);
  return (hash >= 0 ? s.slice(0, hash) : s).trim();
}

function restIsComment(rest: string): boolean {
  const r = rest.trim();
  return r === '' || r.startsWith('#');
}
