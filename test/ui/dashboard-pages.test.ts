// The dashboard in real Chromium against a live core (`switchyard run`), part 1:
// every page in both languages (screenshots in test-artifacts/ui/), phone
// width, dark theme, keyboard use, the mode switch, settings, and the login
// form on a wrong secret.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ApiConfigs } from '../../main/controller/api-types.js';
import { LANGS, PAGES, catalog, englishIn, rawKeysIn, watchErrors } from './browser.js';
import { liveSuite } from './live-suite.js';

const s = liveSuite();

describe('dashboard pages against a live core', () => {
  test('every page renders in both languages: no console errors, no raw keys, no English left in zh-CN; screenshots saved', async (t) => {
    if (s.skipIfNoCore(t)) return;
    const en = catalog('en');
    const zh = catalog('zh-CN');
    for (const lang of LANGS) {
      const { page, errors } = await s.openPage(lang, 'overview');
      for (const p of PAGES) {
        await page.goto(s.url(p));
        await page.waitForSelector(`nav a.active[data-page="${p}"]`, { timeout: 10_000 });
        await page.waitForTimeout(800); // first stream frames
        await page.screenshot({ path: join(s.artifacts, `${lang}-${p}.png`) });
        const text = await page.innerText('body');
        assert.deepEqual(rawKeysIn(text, Object.keys(en)), [], `${lang} ${p}: raw i18n keys visible`);
        if (lang === 'zh-CN') assert.deepEqual(englishIn(text, en, zh), [], `zh-CN ${p}: untranslated English`);
        assert.equal(await page.locator('.error-box').count(), 0, `${lang} ${p}: ${await page.locator('.error-box').allInnerTexts()}`);
      }
      assert.deepEqual(errors, [], `${lang}: console errors`);
      await page.context().close();
    }
    // Phone width: the layout folds to one column and stays usable.
    for (const p of ['overview', 'connections', 'rules', 'proxies', 'profiles'] as const) {
      const { page, errors } = await s.openPage('en', p, { width: 390, height: 844 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(s.artifacts, `phone-en-${p}.png`) });
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      assert.ok(overflow <= 1, `${p}: page scrolls sideways by ${overflow}px at phone width`);
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  test('dark theme follows the system; the keyboard reaches the pages and switches the mode with arrow keys', async (t) => {
    if (s.skipIfNoCore(t)) return;
    const ctx = await s.ui!.context('en', undefined, 'dark');
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(s.url('overview'));
    await page.waitForSelector('main h1');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(s.artifacts, 'en-overview-dark.png') });
    // Tab to the "Rules" link and follow it with Enter.
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('document.activeElement?.getAttribute("data-page")')) === 'rules';
    }
    assert.ok(reached, 'Tab reaches the Rules link');
    await page.keyboard.press('Enter');
    await page.waitForSelector('nav a.active[data-page="rules"]');
    // Mode: focus the chosen option, ArrowRight picks the next one.
    await page.goto(s.url('overview'));
    // Enabled once GET /configs has answered.
    await page.waitForSelector('[data-testid="mode-switch"] button[aria-checked="true"]:not([disabled])');
    await page.focus('[data-testid="mode-switch"] button[aria-checked="true"]');
    const before = (await s.core!.api<ApiConfigs>('GET', '/configs')).mode;
    await page.keyboard.press('ArrowRight');
    const deadline = Date.now() + 5000;
    let after = before;
    while (Date.now() < deadline && (after = (await s.core!.api<ApiConfigs>('GET', '/configs')).mode) === before) await page.waitForTimeout(100);
    assert.notEqual(after, before);
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("data-value")'), after, 'focus follows the choice');
    await s.core!.api('PATCH', '/configs', { mode: 'rule' });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  test('the mode switch changes GET /configs', async (t) => {
    if (s.skipIfNoCore(t)) return;
    const { page, errors } = await s.openPage('en', 'overview');
    for (const mode of ['global', 'direct', 'rule'] as const) {
      await page.click(`[data-testid="mode-switch"] button[data-value="${mode}"]`);
      const deadline = Date.now() + 5000;
      let now = '';
      while (Date.now() < deadline && (now = (await s.core!.api<ApiConfigs>('GET', '/configs')).mode) !== mode) await page.waitForTimeout(100);
      assert.equal(now, mode);
      await page.waitForSelector(`[data-testid="mode-switch"] button[data-value="${mode}"][aria-checked="true"]`, { timeout: 5000 });
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('settings: the log level select changes GET /configs; the DNS note and the DB-IP credit are shown', async (t) => {
    if (s.skipIfNoCore(t)) return;
    const { page, errors } = await s.openPage('en', 'settings');
    await page.waitForSelector('[data-testid="log-level"]:not([disabled])');
    await page.selectOption('[data-testid="log-level"]', 'debug');
    const deadline = Date.now() + 5000;
    let level = '';
    while (Date.now() < deadline && (level = (await s.core!.api<ApiConfigs>('GET', '/configs'))['log-level']) !== 'debug') await page.waitForTimeout(100);
    assert.equal(level, 'debug');
    await page.selectOption('[data-testid="log-level"]', 'info');
    assert.match(await page.innerText('[data-testid="dbip-credit"]'), /IP geolocation by DB-IP \(https:\/\/db-ip\.com\), CC BY 4\.0/);
    assert.ok((await page.innerText('[data-testid="dns-note"]')).includes('enhanced-mode'));
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a wrong secret shows the login form with a clear message (both languages)', async (t) => {
    if (s.skipIfNoCore(t)) return;
    for (const lang of LANGS) {
      const ctx = await s.ui!.context(lang);
      const page = await ctx.newPage();
      await page.goto(s.url('overview', 'wrong-secret'));
      await page.getByText(catalog(lang)['login.unauthorized']!).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(s.artifacts, `${lang}-login.png`) });
      await ctx.close();
    }
  });

});
