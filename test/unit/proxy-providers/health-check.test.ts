// Provider health checks over real sockets: each member is tested through
// itself (a real HTTP CONNECT upstream to a local web server), results land
// in its history; unsupported members are skipped; `lazy: false` checks at
// start, `lazy: true` only once a group using the provider was used.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectProxy, httpServer } from '../outbound/peers.js';
import { build, config, type Built } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'sy-pp-hc-'));
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(home, { recursive: true, force: true });
});

async function setup(lazy: boolean): Promise<{ b: Built; web: { hits(): number } }> {
  const web = await httpServer(0, 204);
  cleanups.push(() => web.close());
  const up = await connectProxy(0);
  cleanups.push(() => up.close());
  const yaml = `proxy-providers:
  p:
    type: inline
    health-check: {enable: true, url: "http://127.0.0.1:${web.port}/generate_204", interval: 1, timeout: 2000, lazy: ${lazy}, expected-status: 204}
    payload:
      - {name: good, type: http, server: 127.0.0.1, port: ${up.port}}
      - {name: dead, type: socks5, server: 127.0.0.1, port: 9}
      - {name: vm, type: vmess, server: 203.0.113.1, port: 443}
proxy-groups:
  - {name: g, type: fallback, use: [p], lazy: true}
`;
  const b = await build(config(yaml, mkdtempSync(join(home, 'c-'))));
  cleanups.push(() => b.close());
  return { b, web };
}

test('healthCheck(): delays of the members that answered; failures recorded as 0; unsupported skipped', async () => {
  const { b, web } = await setup(true);
  const r = await b.loaded.providers.get('p')!.healthCheck();
  assert.deepEqual(Object.keys(r), ['good']);
  assert.ok(r.good! >= 1);
  assert.equal(web.hits(), 1);
  assert.equal(b.outbounds.get('good')!.history().at(-1)!.delay, r.good);
  assert.equal(b.outbounds.get('dead')!.history().at(-1)!.delay, 0);
  assert.equal(b.outbounds.get('dead')!.alive(), false);
  assert.equal(b.outbounds.get('vm')!.history().length, 0);
  // fallback now skips the dead member and the unsupported one
  assert.equal(b.outbounds.group('g')!.now(), 'good');
});

test('lazy: false checks at start; lazy: true waits until a group using the provider is used', async () => {
  const eager = await setup(false);
  eager.b.loaded.providers.get('p')!.start();
  const until = async (cond: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return cond();
  };
  assert.ok(await until(() => eager.web.hits() >= 1, 3000), 'checked at start');

  const lazy = await setup(true);
  lazy.b.loaded.providers.get('p')!.start();
  await new Promise((r) => setTimeout(r, 1300));
  assert.equal(lazy.web.hits(), 0, 'unused: no check');
  lazy.b.outbounds.group('g')!.pick({ network: 'tcp', type: 'Socks5' } as never);
  assert.ok(await until(() => lazy.web.hits() >= 1, 3000), 'used: checked at the next tick');
});
