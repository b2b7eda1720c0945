// Name filters of groups and proxy providers (`filter`, `exclude-filter`):
// several regexes written in one string, separated by a backtick, as mihomo
// reads them. mihomo uses Go regexp2; JS RegExp accepts the patterns real
// configs write (`(?!…)` lookahead, `(?i)` is translated to the `i` flag).
import type { SectionContext } from './general.js';
import type { LEntry } from './yaml-tree.js';
import { readString } from './read.js';

/** Compile a backtick-separated filter; throws the first pattern's SyntaxError. Empty string = no regexes. */
export function compileFilter(spec: string): RegExp[] {
  if (spec === '') return [];
  return spec.split('`').filter((s) => s !== '').map(compileOne);
}

function compileOne(src: string): RegExp {
  let flags = '';
  let body = src;
  const m = /^\(\?([imsx]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    if (m[1]!.includes('i')) flags += 'i';
    if (m[1]!.includes('s')) flags += 's';
    if (m[1]!.includes('m')) flags += 'm';
  }
  // The u flag makes emoji one character (flags like 🇭🇰 in classes); Go
  // syntax that is not valid in u mode (identity escapes such as `\-`) still
  // compiles without it.
  try {
    return new RegExp(body, flags + 'u');
  } catch {
    return new RegExp(body, flags);
  }
}

/** `|`-separated type list, lower-cased; '' = none. */
export function parseTypeList(spec: string): Set<string> {
  return new Set(spec.split('|').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
}

/** A filter string whose every backtick-separated regex compiles; a bad one is a located error. */
export function readRegexSpec(cx: SectionContext, x: LEntry, sub: string, multi = true): string {
  const s = readString(cx.d, x.value, sub, 'a regular expression') ?? '';
  try {
    if (multi) compileFilter(s);
    else if (s !== '') compileFilter(s.replaceAll('`', '\\x60'));
    return s;
  } catch (cause) {
    cx.d.error('SY_ERR_CONFIG_BAD_REGEX', x.value.pos, sub, { value: s, detail: (cause as Error).message, expected: 'a regular expression (several separated by `)' });
    return '';
  }
}

