// The fixture of the dashboard suites: builds the renderer once per file,
// starts `switchyard run` with a temporary config and its peers (an echo
// server on loopback and a locally served rule-set subscription), launches
// real Chromium, and tears everything down by PID/handle afterwards.
import { after, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CoreUnavailable, attachCore, startCore, type LiveCore } from './core-process.js';
import { launchUi, watchErrors, type UiBrowser } from './browser.js';

const root = new URL('../..', import.meta.url).pathname;

export interface LiveSuite {
  /** test-artifacts/ui */
  readonly artifacts: string;
  core: LiveCore | null;
  ui: UiBrowser | null;
  /** the echo server's port on 127.0.0.1 */
  echoPort: number;
  /** the subscription server's port on 127.0.0.1 */
  subPort: number;
  /** what the subscription server answers (tests change it) */
  subscription: { status: number; body: string };
  url(hash: string, secret?: string): string;
  openPage(lang: string, hash: string, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
  /** Skips the test while `switchyard run` is only a placeholder. */
  skipIfNoCore(t: TestContext): boolean;
}

/** Registers the before/after hooks of a suite file and returns its fixture. */
export function liveSuite(): LiveSuite {
  let skipReason = '';
  let echo: Server | null = null;
  let subServer: HttpServer | null = null;
  const serverSockets = new Set<Socket>();
  const s: LiveSuite = {
    artifacts: join(root, 'test-artifacts', 'ui'),
    core: null,
    ui: null,
    echoPort: 0,
    subPort: 0,
    subscription: { status: 200, body: "payload:\n  - '+.one.test'\n" },
    url: (hash, secret = s.core!.secret) => `${s.core!.controller}/ui/?secret=${encodeURIComponent(secret)}#/${hash}`,
    async openPage(lang, hash, viewport) {
      const ctx = await s.ui!.context(lang, viewport);
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(s.url(hash));
      await page.waitForSelector('main h1', { timeout: 10_000 });
      return { page, errors };
    },
    skipIfNoCore(t) {
      if (!skipReason) return false;
      t.skip(skipReason);
      return true;
    },
  };

  before(async () => {
    mkdirSync(s.artifacts, { recursive: true });
    const build = spawnSync('npm', ['run', '-s', 'build:ui'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(build.status, 0, `vite build failed: ${build.stderr}`);
    // The "internet" for these tests: an echo server on loopback.
    echo = createServer((c) => {
      serverSockets.add(c);
      c.on('close', () => serverSockets.delete(c));
      c.on('error', () => {});
      c.pipe(c);
    });
    await new Promise<void>((r) => echo!.listen(0, '127.0.0.1', r));
    s.echoPort = (echo.address() as { port: number }).port;
    subServer = createHttpServer((_req, res) => res.writeHead(s.subscription.status, { 'content-type': 'text/yaml' }).end(s.subscription.body));
    await new Promise<void>((r) => subServer!.listen(0, '127.0.0.1', r));
    s.subPort = (subServer.address() as { port: number }).port;
    try {
      s.core = process.env.SY_UI_CORE
        ? attachCore(process.env.SY_UI_CORE, process.env.SY_UI_SECRET ?? '')
        : await startCore(
            [
              'proxy-groups:',
              '  - {name: Proxy, type: select, proxies: [DIRECT, REJECT]}',
              'rule-providers:',
              "  mine: {type: inline, behavior: domain, payload: ['+.example.org', 'example.net', 'example.com']}",
              `  sub: {type: http, behavior: domain, format: yaml, url: 'http://127.0.0.1:${s.subPort}/sub.yaml', path: ./ruleset/sub.yaml, interval: 0}`,
              'rules:',
              '  - RULE-SET,mine,DIRECT',
              '  - RULE-SET,sub,REJECT',
              '  - IP-CIDR,127.0.0.1/32,Proxy,no-resolve',
              '  - MATCH,DIRECT',
            ].join('\n'),
            // NOTE: the core does not download an http provider that has no local copy yet at start-up
            // (it fails with SY_ERR_PROVIDER_READ), so the first copy is written here.
            { 'ruleset/sub.yaml': s.subscription.body },
          );
    } catch (e) {
      if (e instanceof CoreUnavailable) {
        skipReason = `${e.message} — the UI suite needs the engine`;
        return;
      }
      throw e;
    }
    s.ui = await launchUi();
  });

  after(async () => {
    await s.ui?.close();
    await s.core?.stop();
    for (const c of serverSockets) c.destroy();
    await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
    await new Promise<void>((r) => (subServer ? subServer.close(() => r()) : r()));
  });
  return s;
}
