import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { download, redactUrl } from '../../../main/profiles/download.js';
import { dispositionName, parseSubscriptionInfo } from '../../../main/profiles/userinfo.js';
import { startServer, serve } from './fixtures.js';

const srv = await startServer();
after(() => srv.close());

test('subscription-userinfo: the four fields, missing ones 0, junk ignored', () => {
  assert.deepEqual(parseSubscriptionInfo('upload=455727941; download=6174315083; total=1073741824000; expire=1761955200'), {
    upload: 455727941,
    download: 6174315083,
    total: 1073741824000,
    expire: 1761955200,
  });
  assert.deepEqual(parseSubscriptionInfo('upload=1;total=5'), { upload: 1, download: 0, total: 5, expire: 0 });
  assert.equal(parseSubscriptionInfo('nonsense'), null);
  assert.equal(parseSubscriptionInfo(undefined), null);
});

test('content-disposition: filename* (UTF-8) wins, extension and path dropped', () => {
  assert.equal(dispositionName(`attachment; filename="x.yaml"; filename*=UTF-8''%E6%9C%BA%E5%9C%BA.yaml`), '机场');
  assert.equal(dispositionName('attachment; filename="../My Sub.yml"'), 'My Sub');
  assert.equal(dispositionName(undefined), '');
});

test('redirects are followed up to the limit, then a coded error', async () => {
  srv.on('/r0', serve('final'));
  for (let i = 1; i <= 7; i++) srv.on(`/r${i}`, (_q, res) => res.writeHead(302, { location: `/r${i - 1}` }).end());
  const ok = await download(srv.url('/r3'), { maxRedirects: 5 });
  assert.equal(ok.notModified, false);
  assert.equal(ok.notModified === false && ok.body, 'final');
  await assert.rejects(download(srv.url('/r7'), { maxRedirects: 5 }), { code: 'SY_ERR_PROFILE_REDIRECTS' });
});

test('a size limit rejects, with or without content-length, never truncates', async () => {
  srv.on('/big', serve('x'.repeat(5000)));
  srv.on('/big-chunked', (_q, res) => {
    res.writeHead(200);
    for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
    res.end();
  });
  await assert.rejects(download(srv.url('/big'), { maxBytes: 4096 }), { code: 'SY_ERR_PROFILE_TOO_LARGE' });
  await assert.rejects(download(srv.url('/big-chunked'), { maxBytes: 4096 }), { code: 'SY_ERR_PROFILE_TOO_LARGE' });
});

test('bad URLs are refused before any request; URLs in errors hide tokens', async () => {
  await assert.rejects(download('ftp://example.com/x'), { code: 'SY_ERR_PROFILE_BAD_URL' });
  await assert.rejects(download('not a url'), { code: 'SY_ERR_PROFILE_BAD_URL' });
  assert.equal(redactUrl('https://u:pw@example.com/sub?token=secret'), 'https://example.com/sub?…');
});

test('a refused connection is SY_ERR_PROFILE_DIAL', async () => {
  await assert.rejects(download('http://127.0.0.1:9/x', { timeoutMs: 2000 }), { code: 'SY_ERR_PROFILE_DIAL' });
});
