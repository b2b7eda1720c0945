// Profiles against a real local HTTP server: import with usage info, updates,
// every kind of failed update keeping the working profile (with a located,
// coded error recorded), the override surviving updates, and activation.
import { test, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProfileManager } from '../../../main/profiles/manager.js';
import { activeProfileFile } from '../../../main/profiles/store.js';
import { goodConfig, scratchHome, serve, silentLogger, startServer } from './fixtures.js';

const srv = await startServer();
after(() => srv.close());

let home: ReturnType<typeof scratchHome>;
let reloads: string[];
let refuse: boolean;
let pm: ProfileManager;
beforeEach(() => {
  home = scratchHome();
  reloads = [];
  refuse = false;
  pm = new ProfileManager({
    home: home.home,
    logger: silentLogger(),
    downloadOptions: { timeoutMs: 1500, maxBytes: 64 * 1024 },
    reload: async (file) => {
      if (refuse) throw new Error('port in use');
      reloads.push(file);
    },
  });
});
afterEach(() => {
  pm.close();
  home.cleanup();
});

const USERINFO = 'upload=1024; download=2048; total=10737418240; expire=1893456000';

async function addGood(path = '/sub') {
  srv.on(path, serve(goodConfig('v1.example'), { 'subscription-userinfo': USERINFO, 'content-disposition': 'attachment; filename="My Airport.yaml"' }));
  return pm.add({ url: srv.url(path) });
}

test('import by URL: saved with usage info and the file name as its name; effective file written', async () => {
  const p = await addGood();
  assert.equal(p.name, 'My Airport');
  assert.deepEqual(p.userinfo, { upload: 1024, download: 2048, total: 10737418240, expire: 1893456000 });
  assert.equal(p.source.type, 'url');
  assert.equal(p.interval, 86400);
  assert.equal(p.active, false);
  assert.equal(p.lastError, null);
  assert.match(readFileSync(p.file, 'utf8'), /DOMAIN-SUFFIX,v1\.example,PROXY/);
  const index = JSON.parse(readFileSync(join(home.home, 'profiles', 'index.json'), 'utf8'));
  assert.equal(index.profiles[0].id, p.id);
  assert.deepEqual((await pm.list()).map((x) => x.name), ['My Airport']);
});

test('an import that fails validation creates nothing', async () => {
  srv.on('/bad-new', serve('rules:\n  - DOMAIN-SUFFIX,x.example,NOWHERE\n'));
  await assert.rejects(pm.add({ url: srv.url('/bad-new') }), { code: 'SY_ERR_PROFILE_INVALID' });
  assert.deepEqual(await pm.list(), []);
});

test('update replaces the content and the usage info', async () => {
  const p = await addGood();
  srv.on('/sub', serve(goodConfig('v2.example'), { 'subscription-userinfo': 'upload=5; download=6; total=7; expire=0' }));
  const u = await pm.update(p.id);
  assert.match(readFileSync(u.file, 'utf8'), /v2\.example/);
  assert.deepEqual(u.userinfo, { upload: 5, download: 6, total: 7, expire: 0 });
  assert.ok(u.updatedAt >= p.updatedAt);
});

const FAILURES: Array<[string, (srvPath: string) => void, string, RegExp?]> = [
  ['HTTP 500', (x) => srv.on(x, (_q, res) => res.writeHead(500).end('oops')), 'SY_ERR_PROFILE_HTTP_STATUS', /got 500/],
  ['304 without a conditional request', (x) => srv.on(x, (_q, res) => res.writeHead(304).end()), 'SY_ERR_PROFILE_HTTP_STATUS', /got 304/],
  ['an oversized body', (x) => srv.on(x, serve(goodConfig() + '#'.repeat(70 * 1024))), 'SY_ERR_PROFILE_TOO_LARGE'],
  ['an empty body', (x) => srv.on(x, serve('')), 'SY_ERR_PROFILE_EMPTY'],
  ['garbage (not YAML)', (x) => srv.on(x, serve('\u0000\u0001 {{{ ]]] :::\n\t- - -')), 'SY_ERR_PROFILE_INVALID', /effective\.yaml:\d+:\d+/],
  ['an invalid config (unknown target)', (x) => srv.on(x, serve(goodConfig().replace('MATCH,DIRECT', 'MATCH,NOWHERE'))), 'SY_ERR_PROFILE_INVALID', /effective\.yaml:\d+:\d+ rules\[\d+\].*NOWHERE/s],
];

for (const [what, arrange, code, located] of FAILURES) {
  test(`a failed update (${what}) keeps the working profile and records a coded, located error`, async () => {
    const p = await addGood();
    await pm.putOverride(p.id, 'prepend-rules:\n  - DOMAIN,mine.example,DIRECT\n');
    const before = readFileSync(p.file, 'utf8');
    arrange('/sub');
    await assert.rejects(pm.update(p.id), (e: { code: string; message: string }) => {
      assert.equal(e.code, code);
      if (located) assert.match(e.message, located);
      return true;
    });
    assert.equal(readFileSync(p.file, 'utf8'), before);
    assert.match(readFileSync(join(home.home, 'profiles', `${p.id}.yaml`), 'utf8'), /v1\.example/);
    const after = await pm.get(p.id);
    assert.equal(after.lastError?.code, code);
    assert.equal(after.failures, 1);
    assert.equal(after.updatedAt, p.updatedAt);
    assert.ok(after.hasOverride);
  });
}

test('a slow server times out with SY_ERR_PROFILE_TIMEOUT', async () => {
  const p = await addGood();
  srv.on('/sub', (_q, res) => {
    res.writeHead(200);
    res.write('mixed-port: 7890\n'); // then nothing
  });
  const t0 = Date.now();
  await assert.rejects(pm.update(p.id), { code: 'SY_ERR_PROFILE_TIMEOUT' });
  assert.ok(Date.now() - t0 < 5000);
  assert.equal((await pm.get(p.id)).lastError?.code, 'SY_ERR_PROFILE_TIMEOUT');
});

test('ETag: a 304 to our conditional request is a successful "unchanged" update', async () => {
  srv.on('/etag', (req, res) => {
    if (req.headers['if-none-match'] === '"abc"') return res.writeHead(304).end();
    res.writeHead(200, { etag: '"abc"' }).end(goodConfig('etag.example'));
  });
  const p = await pm.add({ url: srv.url('/etag') });
  const u = await pm.update(p.id);
  assert.equal(u.lastError, null);
  assert.match(readFileSync(u.file, 'utf8'), /etag\.example/);
});

test('the override is applied, re-applied after an update, and a bad override is refused unsaved', async () => {
  const p = await addGood();
  await pm.putOverride(p.id, ['# my edits', 'prepend-rules:', '  - DOMAIN,mine.example,DIRECT', 'mixed-port: 7999', ''].join('\n'));
  srv.on('/sub', serve(goodConfig('v2.example')));
  const u = await pm.update(p.id);
  const eff = readFileSync(u.file, 'utf8');
  assert.match(eff, /mixed-port: 7999/);
  assert.ok(eff.indexOf('DOMAIN,mine.example,DIRECT') < eff.indexOf('DOMAIN-SUFFIX,v2.example,PROXY'), 'prepended before the profile rules');
  assert.match(await pm.getOverride(p.id), /^# my edits/);
  await assert.rejects(pm.putOverride(p.id, 'append-rules: not-a-list\n'), { code: 'SY_ERR_PROFILE_OVERRIDE' });
  await assert.rejects(pm.putOverride(p.id, 'prepend-rules:\n  - DOMAIN,x.example,NOWHERE\n'), { code: 'SY_ERR_PROFILE_INVALID' });
  await assert.rejects(pm.putOverride(p.id, 'a: [1\n'), (e: { code: string; message: string }) => e.code === 'SY_ERR_PROFILE_OVERRIDE' && /override\.yaml:\d+:\d+/.test(e.message));
  assert.match(await pm.getOverride(p.id), /^# my edits/);
  assert.equal(readFileSync(u.file, 'utf8'), eff);
});

test('override proxies with a profile proxy name replace it instead of duplicating', async () => {
  const p = await addGood();
  await pm.putOverride(p.id, 'prepend-proxies:\n  - {name: up, type: socks5, server: 198.51.100.9, port: 1081}\n');
  const eff = readFileSync(p.file, 'utf8');
  assert.equal(eff.match(/name: up\b/g)?.length, 1);
  assert.match(eff, /198\.51\.100\.9/);
});

test('activate reloads the engine with the effective file and is remembered for `run`', async () => {
  const a = await addGood('/a');
  const b = await pm.add({ name: 'Local', payload: goodConfig('local.example') });
  assert.equal(b.source.type, 'local');
  await pm.activate(a.id);
  assert.deepEqual(reloads, [a.file]);
  assert.equal(activeProfileFile(home.home), a.file);
  // an update of the active profile reloads it
  srv.on('/a', serve(goodConfig('a2.example')));
  await pm.update(a.id);
  assert.equal(reloads.length, 2);
  // the engine refusing leaves the active profile as it was
  refuse = true;
  await assert.rejects(pm.activate('Local'), { code: 'SY_ERR_PROFILE_RELOAD' });
  assert.equal((await pm.get(a.id)).active, true);
  refuse = false;
  await pm.activate('Local');
  assert.equal(activeProfileFile(home.home), b.file);
  await assert.rejects(pm.update('Local'), { code: 'SY_ERR_PROFILE_NO_SOURCE' });
});

test('an active profile whose update the engine refuses keeps its previous files', async () => {
  const p = await addGood();
  await pm.activate(p.id);
  const before = readFileSync(p.file, 'utf8');
  refuse = true;
  srv.on('/sub', serve(goodConfig('v3.example')));
  await assert.rejects(pm.update(p.id), { code: 'SY_ERR_PROFILE_RELOAD' });
  assert.equal(readFileSync(p.file, 'utf8'), before);
});

test('remove: never the active profile; removes the files of another', async () => {
  const a = await addGood('/a');
  const b = await pm.add({ payload: goodConfig('b.example'), name: 'B' });
  await pm.activate(a.id);
  await assert.rejects(pm.remove(a.id), { code: 'SY_ERR_PROFILE_ACTIVE' });
  await pm.remove('B');
  assert.equal(existsSync(b.file), false);
  await assert.rejects(pm.get('B'), { code: 'SY_ERR_PROFILE_NOT_FOUND' });
});

test('import from a file; update re-reads it; patch renames and sets the interval with checks', async () => {
  const f = join(home.home, 'mine.yaml');
  writeFileSync(f, goodConfig('file.example'));
  const p = await pm.add({ file: f });
  assert.equal(p.name, 'mine');
  assert.equal(p.interval, 0);
  writeFileSync(f, goodConfig('file2.example'));
  assert.match(readFileSync((await pm.update('mine')).file, 'utf8'), /file2\.example/);
  assert.equal((await pm.patch(p.id, { name: 'Renamed', interval: 3600 })).name, 'Renamed');
  await assert.rejects(pm.patch(p.id, { interval: 5 }), { code: 'SY_ERR_PROFILE_BAD_INPUT' });
  await assert.rejects(pm.patch(p.id, { name: '  ' }), { code: 'SY_ERR_PROFILE_BAD_INPUT' });
  await assert.rejects(pm.add({}), { code: 'SY_ERR_PROFILE_BAD_INPUT' });
  await assert.rejects(pm.add({ url: 'file:///etc/passwd' }), { code: 'SY_ERR_PROFILE_BAD_URL' });
});

test('a corrupt index is reported, never silently reset', async () => {
  await addGood();
  writeFileSync(join(home.home, 'profiles', 'index.json'), '{oops');
  await assert.rejects(pm.list(), { code: 'SY_ERR_PROFILE_INDEX' });
});
