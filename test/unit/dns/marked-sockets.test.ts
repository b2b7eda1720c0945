import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { markedSocketFactory } from '../../../main/dns/marked-sockets.js';
import { DEFAULT_SOCKET_FACTORY } from '../../../main/dns/exchange.js';
import { UpstreamResolver } from '../../../main/dns/resolver.js';
import { nativeAvailable } from '../../../native/index.js';
import { startTestUpstream, type TestUpstream } from './upstream-fixture.js';

let up: TestUpstream;
before(async () => { up = await startTestUpstream(); });
after(() => up.close());

test('mark 0 is the plain factory', () => {
  assert.equal(markedSocketFactory(0), DEFAULT_SOCKET_FACTORY);
});

test('queries over marked UDP and TCP sockets are answered', async (t) => {
  if (!nativeAvailable()) return t.skip('native addon not built');
  if (process.getuid?.() !== 0 && process.env.CI !== 'true') return t.skip('needs root (CAP_NET_ADMIN) for SO_MARK');
  const r = new UpstreamResolver({ nameservers: [up.address], sockets: markedSocketFactory(0x2000), timeoutMs: 1000 });
  assert.deepEqual(await r.resolve('a.test'), ['192.0.2.10', '2001:db8::10']);
  const before = up.count('big.test', 'A', 'tcp');
  assert.equal((await r.query('big.test', 'A')).answers.length, 3, 'TC -> TCP over a marked socket');
  assert.equal(up.count('big.test', 'A', 'tcp'), before + 1);
});
