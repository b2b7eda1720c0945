// The TCP relay: bytes both ways, half-close carried across, idle timeout,
// errors reset the other side, onEnd exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { relay, type RelayEnd } from '../../../main/tunnel/relay.js';

/** client <-> [a | relay | b] <-> server, all on loopback. */
async function pair(server: (s: net.Socket) => void, idleMs = 5000, head?: Buffer) {
  const target = net.createServer({ allowHalfOpen: true }, server);
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  const ends: RelayEnd[] = [];
  const front = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (a) => {
    const b = net.connect({ port: (target.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
    b.pause();
    b.once('connect', () => relay(a, b, { idleMs, head }, (why) => ends.push(why)));
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  const client = net.connect({ port: (front.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  await once(client, 'connect');
  return {
    client,
    ends,
    close() {
      client.destroy();
      target.close();
      front.close();
    },
  };
}

test('carries bytes both ways and replays the sniffed head first', async () => {
  const p = await pair((s) => {
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => s.end(`echo:${got}`));
  }, 5000, Buffer.from('HEAD-'));
  p.client.end('body');
  let reply = '';
  p.client.on('data', (d) => (reply += d));
  await once(p.client, 'end');
  assert.equal(reply, 'echo:HEAD-body');
  p.close();
});

test('half-close: the server can keep answering after the client sent FIN', async () => {
  const p = await pair((s) => {
    s.on('end', () => {
      // answer in three pieces after the client's FIN
      let n = 0;
      const t = setInterval(() => {
        s.write(`part${n}`);
        if (++n === 3) {
          clearInterval(t);
          s.end();
        }
      }, 20);
    });
    s.resume();
  });
  p.client.end('bye');
  let reply = '';
  p.client.on('data', (d) => (reply += d));
  await once(p.client, 'end');
  assert.equal(reply, 'part0part1part2');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(p.ends, ['closed']);
  p.close();
});

test('an idle relay is torn down after idleMs and reports timeout', async () => {
  const p = await pair((s) => s.resume(), 150);
  p.client.resume();
  await once(p.client, 'end');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(p.ends, ['timeout']);
  p.close();
});

test('a reset from the server resets the client and reports an error once', async () => {
  const p = await pair((s) => s.once('data', () => s.resetAndDestroy()));
  const errors: string[] = [];
  p.client.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? ''));
  const closed = new Promise((r) => p.client.once('close', r));
  p.client.write('x');
  await closed;
  assert.deepEqual(errors, ['ECONNRESET'], 'the client sees a reset, not a clean close');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(p.ends.length, 1);
  assert.match(p.ends[0]!, /^error: remote/);
  p.close();
});
