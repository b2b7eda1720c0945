// Real Chromium for the dashboard tests: Debian's /usr/bin/chromium driven by
// playwright-core, a fresh temporary profile per launch (playwright's own), console errors collected per
// page, and the checks every page gets (renders, no raw i18n keys, no English
// left in zh-CN).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readFileSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const PAGES = ['overview', 'connections', 'rules', 'rule-sets', 'proxies', 'profiles', 'logs', 'settings'] as const;
export const LANGS = ['en', 'zh-CN'] as const;

const catalogDir = new URL('../../renderer/src/i18n/', import.meta.url);
export const catalog = (lang: string): Record<string, string> => JSON.parse(readFileSync(new URL(`${lang}.json`, catalogDir), 'utf8')) as Record<string, string>;

export interface UiBrowser {
  browser: Browser;
  /** A context with the given UI language (navigator.languages) and viewport. */
  context(lang: string, viewport?: { width: number; height: number }, colorScheme?: 'light' | 'dark'): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchUi(): Promise<UiBrowser> {
  const ctxs: BrowserContext[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-quic', '--no-first-run', '--disable-sync',
    ],
  });
  return {
    browser,
    async context(lang, viewport = { width: 1280, height: 800 }, colorScheme = 'light') {
      const c = await browser.newContext({ locale: lang, viewport, colorScheme });
      c.setDefaultTimeout(10_000);
      ctxs.push(c);
      return c;
    },
    async close() {
      for (const c of ctxs) await c.close().catch(() => {});
      await browser.close().catch(() => {});
    },
  };
}

/** Collects console errors and page errors of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Visible text that is a raw catalog key (`nav.rules`), if any. */
export function rawKeysIn(text: string, keys: readonly string[]): string[] {
  return keys.filter((k) => new RegExp(`(^|[^\\w.])${k.replace(/\./g, '\\.')}($|[^\\w.])`).test(text));
}

/**
 * English catalog texts visible on a zh-CN page. Only messages of two words
 * or more are checked (single words like "Socks5" or "TCP" may be data).
 */
export function englishIn(text: string, en: Record<string, string>, zh: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(en)) {
    if (zh[k] === v) continue;
    const fixed = v.split(/\{\w+\}/)[0]!.trim();
    if (fixed.split(/\s+/).length < 2 || fixed.length < 8) continue;
    if (text.includes(fixed)) out.push(`${k}: ${fixed}`);
  }
  return out;
}
