// A hostile SOCKS5 upstream: 10,000 handshakes against a server that answers
// with mutated, truncated, oversized, split or random replies and then
// closes. The client (main/outbound/socks5-client.ts) must settle every one
// — a reply or a coded SyError, never a throw, a hang or a leaked socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { socks5Handshake, SOCKS_CMD_CONNECT, SOCKS_CMD_UDP_ASSOCIATE } from '../../../main/outbound/socks5-client.js';
import { isSyError } from '../../../main/core/errors.js';
import { prng } from '../../helpers/prng.js';

const CASES = 10_000;
const CONCURRENCY = 64;
const ALLOWED = new Set(['SY_ERR_NET_SOCKS_HANDSHAKE', 'SY_ERR_NET_SOCKS_AUTH', 'SY_ERR_NET_SOCKS_REFUSED', 'SY_ERR_NET_TIMEOUT', 'SY_ERR_NET_DIAL']);

/** A well-formed server side of the conversation, for `auth` or not. */
function validScript(rand: () => number, auth: boolean): Buffer {
  const greet = Buffer.from([5, auth ? 2 : 0]);
  const authReply = auth ? Buffer.from([1, 0]) : Buffer.alloc(0);
  const atyp = Math.floor(rand() * 3);
  const addr =
    atyp === 0 ? Buffer.from([1, 198, 51, 100, 2]) :
    atyp === 1 ? Buffer.concat([Buffer.from([3, 11]), Buffer.from('example.org')]) :
    Buffer.concat([Buffer.from([4]), Buffer.from('20010db8000000000000000000000002', 'hex')]);
  const reply = Buffer.concat([Buffer.from([5, 0, 0]), addr, Buffer.from([0x04, 0x38])]);
  const trailing = rand() < 0.2 ? Buffer.from('HTTP/1.1 200 OK\r\n') : Buffer.alloc(0);
  return Buffer.concat([greet, authReply, reply, trailing]);
}

function mutate(rand: () => number, b: Buffer): Buffer {
  const kind = Math.floor(rand() * 7);
  const out = Buffer.from(b);
  switch (kind) {
    case 0: return out.subarray(0, Math.floor(rand() * out.length)); // truncated
    case 1: for (let k = 0; k < 1 + rand() * 3; k++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256); return out; // bytes flipped
    case 2: { const r = Buffer.alloc(Math.floor(rand() * 64)); for (let k = 0; k < r.length; k++) r[k] = Math.floor(rand() * 256); return r; } // random
    case 3: return Buffer.concat([out, Buffer.alloc(Math.floor(rand() * 2048), 0x41)]); // oversized
    case 4: { const i = Math.floor(rand() * out.length); out[i] = 0xff; return out; }
    case 5: return Buffer.from([5, Math.floor(rand() * 256)]); // odd method
    default: return out; // valid (split below)
  }
}

test(`hostile upstream: ${CASES} mutated SOCKS5 replies settle with a reply or a coded error`, async () => {
  const rand = prng(0x50c5);
  const scripts = new Map<number, Buffer>();
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => {
      const script = scripts.get(s.remotePort!) ?? Buffer.alloc(0);
      // split into 1..4 writes so every partial-read path runs
      const cuts = [0, ...Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * script.length)).sort((a, b) => a - b), script.length];
      let i = 0;
      const next = () => {
        if (s.destroyed) return;
        if (i >= cuts.length - 1) return void s.end();
        s.write(script.subarray(cuts[i], cuts[i + 1]));
        i++;
        setImmediate(next);
      };
      next();
      s.resume();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const tally = { ok: 0, codes: new Map<string, number>() };
  const t0 = Date.now();
  let next = 0;
  const one = async (): Promise<void> => {
    const auth = rand() < 0.3;
    const script = mutate(rand, validScript(rand, auth));
    const sock = net.connect({ port, host: '127.0.0.1' });
    await once(sock, 'connect');
    scripts.set(sock.localPort!, script);
    try {
      const r = await socks5Handshake(sock, {
        cmd: rand() < 0.8 ? SOCKS_CMD_CONNECT : SOCKS_CMD_UDP_ASSOCIATE, host: rand() < 0.5 ? '203.0.113.9' : 'fuzz.example', port: 443,
        username: auth ? 'u' : '', password: auth ? 'p' : '', timeoutMs: 2000, where: 'socks5 "fuzz"',
      });
      assert.equal(typeof r.bndAddr, 'string');
      assert.ok(Number.isInteger(r.bndPort) && r.bndPort >= 0 && r.bndPort <= 65535);
      tally.ok++;
    } catch (e) {
      assert.ok(isSyError(e), `not a SyError: ${String(e)}`);
      assert.ok(ALLOWED.has(e.code), e.code);
      assert.ok(!String(e.message).includes('"p"'), 'no password in messages');
      tally.codes.set(e.code, (tally.codes.get(e.code) ?? 0) + 1);
    } finally {
      sock.destroy();
      scripts.delete(sock.localPort ?? -1);
    }
  };
  const worker = async () => {
    while (next < CASES && Date.now() - t0 < 120_000) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  server.close();
  const settled = tally.ok + [...tally.codes.values()].reduce((a, b) => a + b, 0);
  assert.equal(settled, CASES, 'every case settled in time');
  assert.ok(tally.ok > CASES / 20, `some replies are valid (${tally.ok})`);
  assert.ok((tally.codes.get('SY_ERR_NET_SOCKS_HANDSHAKE') ?? 0) > CASES / 10);
});
