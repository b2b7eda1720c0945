// A tiny typed translator: flat catalogs (`page.key` → text with `{name}`
// placeholders), one per language, the same keys in each (a unit test checks).
// Pure and DOM-free so it runs in node tests too. Numbers and dates are not
// formatted here: callers pass already-formatted strings (utils/format.ts).

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export type Catalog = Readonly<Record<string, string>>;
export type Params = Readonly<Record<string, string | number>>;

/** The placeholder names of a message, sorted: `'{n} of {total}'` → `['n','total']`. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/** Fills `{name}` placeholders; a missing parameter stays visible as `{name}` (and is caught by tests). */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** The first supported locale for a list of browser/OS languages (navigator.languages); English otherwise. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    const low = l.toLowerCase();
    if (low.startsWith('zh')) return 'zh-CN';
    if (low.startsWith('en')) return 'en';
  }
  return 'en';
}

export function isLocale(x: unknown): x is Locale {
  return typeof x === 'string' && (LOCALES as readonly string[]).includes(x);
}

export type Translate<K extends string = string> = (key: K, params?: Params) => string;

/** A translator over `catalog`, falling back to `fallback` (English) and then to the key itself. */
export function createTranslator<K extends string>(catalog: Catalog, fallback: Catalog): Translate<K> {
  return (key, params) => interpolate(catalog[key] ?? fallback[key] ?? key, params);
}
