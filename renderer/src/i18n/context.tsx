// The i18n context: `useI18n()` gives `t`, the locale and Intl formatters.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import en from './en.json';
import zh from './zh-CN.json';
import { createTranslator, type Locale, type Params } from './i18n.js';
import * as fmt from '../utils/format.js';

export type MessageKey = keyof typeof en;
const CATALOGS: Record<Locale, Record<string, string>> = { en, 'zh-CN': zh };

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, params?: Params) => string;
  bytes: (n: number) => string;
  speed: (n: number) => string;
  num: (n: number) => string;
  duration: (ms: number) => string;
  relative: (when: string | number | Date) => string;
  latency: (ms: number) => string;
}

export function makeI18n(locale: Locale): I18n {
  const t = createTranslator<MessageKey>(CATALOGS[locale], en);
  return {
    locale,
    t,
    bytes: (n) => fmt.formatBytes(n, locale),
    speed: (n) => fmt.formatSpeed(n, locale),
    num: (n) => fmt.formatNumber(n, locale),
    duration: (ms) => fmt.formatDuration(ms, locale),
    relative: (w) => fmt.formatRelative(w, Date.now(), locale),
    latency: (ms) => fmt.formatLatency(ms, locale),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
