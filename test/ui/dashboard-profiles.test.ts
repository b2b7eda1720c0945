// The dashboard in real Chromium against a live core, part 4: profiles and
// first run. A profile served by a local HTTP server is imported by URL,
// shows its usage (subscription-userinfo), is updated (usage follows), made
// active, gets a rule of the user's (kept in its override), survives a failed
// update with that rule intact, and a later good update keeps it too.
// Screenshots of the Profiles page and the first-run setup in both languages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { ApiConfigRaw, ApiProfileOverride, ApiRules } from '../../main/controller/api-types.js';
import { LANGS, catalog, englishIn, rawKeysIn } from './browser.js';
import { liveSuite } from './live-suite.js';

const s = liveSuite();
const GiB = 1024 ** 3;

/** The subscription: what it answers now (tests change it). */
const sub = { status: 200, version: 1, upload: 1 * GiB, download: 2 * GiB };
let server: Server | null = null;
let subPort = 0;

function profileYaml(version: number): string {
  const ctl = new URL(s.core!.controller);
  return [
    '# served by the test subscription',
    `mixed-port: ${s.core!.mixedPort}`,
    'tproxy-port: 0',
    'bind-address: 127.0.0.1',
    'allow-lan: false',
    `external-controller: 127.0.0.1:${ctl.port}`,
    `secret: ${s.core!.secret}`,
    'capture: {enable: false}',
    'proxy-groups:',
    '  - {name: Proxy, type: select, proxies: [DIRECT, REJECT]}',
    'rules:',
    ...(version >= 2 ? ['  - DOMAIN,v2.example,DIRECT'] : []),
    '  - IP-CIDR,127.0.0.1/32,Proxy,no-resolve',
    '  - MATCH,DIRECT',
    '',
  ].join('\n');
}

before(async () => {
  server = createServer((_req, res) => {
    if (sub.status !== 200) return void res.writeHead(sub.status).end('down for maintenance');
    res.writeHead(200, {
      'content-type': 'text/yaml',
      'subscription-userinfo': `upload=${sub.upload}; download=${sub.download}; total=${10 * GiB}; expire=1893456000`,
    });
    res.end(profileYaml(sub.version));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  subPort = (server.address() as { port: number }).port;
});
after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function until(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

const firstRule = async () => (await s.core!.api<ApiRules>('GET', '/rules')).rules[0]?.payload;

describe('profiles and first run against a live core', () => {
  test('a profile is imported by URL, updated with its usage shown, and survives a failed update with the user’s rule intact', async (t) => {
    if (s.skipIfNoCore(t)) return;
    if (!s.core!.mixedPort) return t.skip('needs the suite’s own core');
    const { page, errors } = await s.openPage('en', 'profiles');
    await page.fill('[data-testid="profile-url"]', `http://127.0.0.1:${subPort}/sub.yaml?token=secret`);
    await page.fill('[data-testid="profile-name"]', 'Airport');
    await page.click('[data-testid="profile-import-url"]');
    const card = page.locator('[data-profile="Airport"]');
    await card.waitFor({ timeout: 15_000 });
    const bar = card.locator('[role="progressbar"]');
    await until('usage 30 %', async () => (await bar.getAttribute('aria-valuenow')) === '30');

    // Update now: the usage follows the new header.
    sub.upload = 2 * GiB;
    await card.locator('[data-testid="profile-update"]').click();
    await until('usage 40 %', async () => (await bar.getAttribute('aria-valuenow')) === '40');

    // Use it: the engine runs the profile's effective file.
    await card.locator('[data-testid="profile-activate"]').click();
    await card.locator('[data-testid="profile-active"]').waitFor({ timeout: 10_000 });
    const raw = await s.core!.api<ApiConfigRaw>('GET', '/configs/raw');
    assert.ok(raw.profile, 'the running config is the profile');
    await page.screenshot({ path: join(s.artifacts, 'en-profiles-active.png') });

    // The user's rule, added on the Rules page, goes to the override.
    await page.goto(s.url('rules'));
    await page.waitForSelector('[data-testid="rule-rows"] .vrow');
    await until('the page says edits of a profile go before its rules', async () => (await page.innerText('main')).includes(catalog('en')['rules.profileHint']!.slice(0, 30)));
    await page.selectOption('[data-testid="rule-type"]', 'DOMAIN');
    await page.fill('[data-testid="rule-payload"]', 'mine.example');
    await page.selectOption('[data-testid="rule-target"]', 'REJECT');
    await page.fill('[data-testid="rule-position"]', '0');
    await page.click('[data-testid="rule-save"]');
    await until('the user rule is first', async () => (await firstRule()) === 'mine.example');
    // Only the user's own rule can be deleted; the profile's rules cannot (an update would bring them back).
    await until('row 0 is the user rule', async () => (await page.locator('[data-testid="rule-actions-0"]').count()) === 1 && (await page.locator('[data-testid="rule-rows"] .vrow').first().innerText()).includes('mine.example'));
    await until('buttons follow the override', async () => (await page.locator('[data-testid="rule-actions-0"] [data-testid="rule-delete"]').isEnabled()) && (await page.locator('[data-testid="rule-actions-1"] [data-testid="rule-delete"]').isDisabled()));
    const ov = await s.core!.api<ApiProfileOverride>('GET', `/profiles/${raw.profile}/override`);
    assert.match(ov.payload, /prepend-rules:[\s\S]*DOMAIN,mine\.example,REJECT/);

    // A failed update: the error shows, the working profile and the user's rule stay.
    sub.status = 500;
    await page.goto(s.url('profiles'));
    await card.locator('[data-testid="profile-update"]').click();
    await until('the error shows', async () => /SY_ERR_PROFILE_/.test(await card.locator('[data-testid="profile-error"]').innerText()));
    assert.equal(await firstRule(), 'mine.example');
    assert.equal((await s.core!.api<ApiConfigRaw>('GET', '/configs/raw')).profile, raw.profile);
    await page.screenshot({ path: join(s.artifacts, 'en-profiles-failed-update.png') });

    // The next good update brings the new profile rule and keeps the user's rule first.
    sub.status = 200;
    sub.version = 2;
    await card.locator('[data-testid="profile-update"]').click();
    await until('v2 is running', async () => (await s.core!.api<ApiRules>('GET', '/rules')).rules.some((r) => r.payload === 'v2.example'));
    assert.equal(await firstRule(), 'mine.example');
    await until('the error is cleared', async () => (await card.locator('[data-testid="profile-error"]').innerText()) === catalog('en')['common.none']);

    // The override editor shows the user's edits as YAML.
    await card.locator('[data-testid="profile-override-open"]').click();
    await card.locator('[data-testid="profile-override"] textarea').waitFor();
    assert.match(await card.locator('textarea').inputValue(), /mine\.example/);
    await page.screenshot({ path: join(s.artifacts, 'en-profiles-override.png') });
    assert.deepEqual(errors.filter((e) => !/status of (4|5)\d\d/.test(e)), []);
    await page.context().close();
  });

  test('a profile imported from a local file shows as imported (no update button) and can be deleted', async (t) => {
    if (s.skipIfNoCore(t)) return;
    if (!s.core!.mixedPort) return t.skip('needs the suite’s own core');
    const { page, errors } = await s.openPage('en', 'profiles');
    await page.setInputFiles('[data-testid="profile-file"]', { name: 'office.yaml', mimeType: 'text/yaml', buffer: Buffer.from(profileYaml(1)) });
    const card = page.locator('[data-profile="office"]');
    await card.waitFor({ timeout: 15_000 });
    assert.match(await card.innerText(), new RegExp(catalog('en')['profiles.type.local']!));
    assert.equal(await card.locator('[data-testid="profile-update"]').count(), 0);
    await card.locator('[data-testid="profile-remove"]').click();
    await card.waitFor({ state: 'detached', timeout: 8000 });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('the Profiles page with a profile and the first-run setup in both languages: no raw keys, no English left in zh-CN', async (t) => {
    if (s.skipIfNoCore(t)) return;
    const en = catalog('en');
    const zh = catalog('zh-CN');
    for (const lang of LANGS) {
      for (const hash of ['profiles', 'setup']) {
        const { page, errors } = await s.openPage(lang, hash);
        await page.waitForTimeout(800);
        await page.screenshot({ path: join(s.artifacts, `${lang}-${hash === 'setup' ? 'setup' : 'profiles-list'}.png`), fullPage: true });
        const text = await page.innerText('body');
        assert.deepEqual(rawKeysIn(text, Object.keys(en)), [], `${lang} ${hash}: raw keys`);
        if (lang === 'zh-CN') assert.deepEqual(englishIn(text, en, zh), [], `zh-CN ${hash}: untranslated English`);
        assert.deepEqual(errors, []);
        await page.context().close();
      }
    }
  });
});
