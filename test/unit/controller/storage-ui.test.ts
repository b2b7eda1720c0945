// The file-backed /storage store (atomic writes, no traversal) and the /ui
// static dashboard with index.html fallback for client-side routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../../main/controller/storage-store.js';
import { harness } from './helpers.js';

test('file store: round trip, survives a new instance, delete, refuses traversal keys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-api-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = createFileStore(join(dir, 'storage'));
  assert.equal(await a.get('zashboard'), undefined);
  await a.put('zashboard', { theme: 'dark', list: [1, 2, 3] });
  const b = createFileStore(join(dir, 'storage'));
  assert.deepEqual(await b.get('zashboard'), { theme: 'dark', list: [1, 2, 3] });
  assert.deepEqual(readdirSync(join(dir, 'storage')), ['zashboard.json']); // no temp files left
  await b.delete('zashboard');
  await b.delete('zashboard'); // idempotent
  assert.equal(await a.get('zashboard'), undefined);
  for (const k of ['../x', '..', 'a/b', '']) await assert.rejects(a.put(k, 1), (e: { code?: string }) => e.code === 'SY_ERR_API_BAD_REQUEST', k);
});

test('/ui serves the built dashboard with index.html for client-side routes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-api-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  const h = harness({ uiDir: dir });
  t.after(async () => {
    await h.c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const noAuth = { authorization: '' };
  const idx = await h.req('GET', '/ui/', { headers: noAuth });
  assert.equal(idx.status, 200);
  assert.match(idx.body, /<title>dash<\/title>/);
  const js = await h.req('GET', '/ui/assets/app.js', { headers: noAuth });
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
  const route = await h.req('GET', '/ui/connections/live', { headers: noAuth });
  assert.equal(route.status, 200);
  assert.match(route.body, /<title>dash<\/title>/);
  // the API itself still needs the secret
  assert.equal((await h.req('GET', '/version', { headers: noAuth })).status, 401);
});

test('/ui with a uiDir that has no index.html answers the not-built page', async () => {
  const h = harness({ uiDir: join(tmpdir(), 'sy-api-ui-missing-dir') });
  try {
    const r = await h.req('GET', '/ui/anything');
    assert.equal(r.status, 200);
    assert.match(r.body, /not built/);
  } finally {
    await h.c.close();
  }
});
