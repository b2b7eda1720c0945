// What the dashboard remembers in localStorage: language, theme, controller.
import { isLocale, pickLocale, type Locale } from '../i18n/i18n.js';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'switchyard.settings.v1';

export interface StoredSettings {
  locale: Locale | '';
  theme: Theme;
  controller: { baseUrl: string; secret: string } | null;
}

export function loadSettings(storage: Storage | undefined): StoredSettings {
  const empty: StoredSettings = { locale: '', theme: 'system', controller: null };
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return empty;
    const j = JSON.parse(raw) as Partial<StoredSettings>;
    return {
      locale: isLocale(j.locale) ? j.locale : '',
      theme: j.theme === 'light' || j.theme === 'dark' ? j.theme : 'system',
      controller: j.controller && typeof j.controller.baseUrl === 'string' ? { baseUrl: j.controller.baseUrl, secret: String(j.controller.secret ?? '') } : null,
    };
  } catch {
    return empty;
  }
}

export function saveSettings(storage: Storage | undefined, s: StoredSettings): void {
  try {
    storage?.setItem(KEY, JSON.stringify(s));
  } catch {
    /* private mode: settings last for this page only */
  }
}

/** The language to use: remembered choice, else the browser's. */
export function effectiveLocale(s: StoredSettings, languages: readonly string[]): Locale {
  return s.locale || pickLocale(languages);
}
