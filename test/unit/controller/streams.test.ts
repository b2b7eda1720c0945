// Real-socket stream specifications (127.0.0.1, OS-chosen port): WebSocket
// streams with `?token=` or a Bearer header, chunked NDJSON without the
// upgrade, live connections opening and closing, per-second traffic, level-
// filtered logs, reconnect churn, and streams ended by controller close.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { WebSocket } from 'ws';
import { harness, SECRET, type Harness } from './helpers.js';

let h: Harness;
let base = '';
let hostHeader = '';

before(async () => {
  h = harness({ listen: '127.0.0.1:0' });
  await h.c.start();
  const { port } = h.c.address();
  assert.ok(port > 0);
  base = `127.0.0.1:${port}`;
  hostHeader = base;
});
after(() => h.c.close());

/** Opens a WS and collects parsed frames; resolves once open. */
function ws(path: string, opts: { token?: string; bearer?: string } = {}) {
  const sep = path.includes('?') ? '&' : '?';
  const url = `ws://${base}${path}${opts.token !== undefined ? `${sep}token=${encodeURIComponent(opts.token)}` : ''}`;
  const sock = new WebSocket(url, { headers: opts.bearer ? { authorization: `Bearer ${opts.bearer}` } : {} });
  const frames: any[] = [];
  sock.on('message', (d) => frames.push(JSON.parse(String(d))));
  const opened = new Promise<void>((resolve, reject) => {
    sock.once('open', () => resolve());
    sock.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    sock.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  return { sock, frames, opened, closed };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('WS /connections with ?token=: a connection is seen opening, moving bytes, then closing', async () => {
  const s = ws('/connections?interval=100', { token: SECRET });
  await s.opened;
  try {
    await until(() => s.frames.length >= 1, 2000, 'first snapshot');
    assert.equal(s.frames[0].connections.length, 0);
    const c = h.deps.openConnection({ host: 'live.example' });
    c.counters.down = 4096;
    await until(() => s.frames.some((f) => f.connections.some((x: any) => x.id === c.id && x.download === 4096)), 2000, 'connection open');
    const seen = s.frames.find((f) => f.connections.some((x: any) => x.id === c.id)).connections[0];
    assert.equal(seen.metadata.host, 'live.example');
    assert.equal(seen.metadata.destinationPort, '443');
    const n = s.frames.length;
    c.close('closed');
    await until(() => s.frames.length > n && s.frames.at(-1).connections.every((x: any) => x.id !== c.id), 2000, 'connection closed');
    assert.ok(s.frames.at(-1).downloadTotal >= 4096);
  } finally {
    s.sock.close();
    await s.closed;
  }
});

test('WS upgrades: wrong or missing token -> 401; Bearer header works too', async () => {
  for (const token of ['wrong', '']) {
    const s = ws('/traffic', { token });
    await assert.rejects(s.opened, (e: { status?: number }) => e.status === 401);
  }
  const none = ws('/traffic');
  await assert.rejects(none.opened, (e: { status?: number }) => e.status === 401);
  const ok = ws('/memory', { bearer: SECRET });
  await ok.opened;
  await until(() => ok.frames.length >= 1, 2000, 'memory frame');
  assert.deepEqual(ok.frames[0], { inuse: 0, oslimit: 0 });
  ok.sock.close();
  await ok.closed;
});

test('WS /traffic: one frame per second with rates from counter deltas', async () => {
  const c = h.deps.openConnection();
  const s = ws('/traffic', { token: SECRET });
  await s.opened;
  const t0 = Date.now();
  try {
    await until(() => s.frames.length >= 1, 2500, 'first traffic frame');
    c.counters.up += 2000;
    c.counters.down += 8000;
    await until(() => s.frames.length >= 3, 4000, 'three traffic frames');
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 1800 && elapsed <= 4000, `3 frames took ${elapsed} ms`);
    const f = s.frames.find((x) => x.down > 0);
    assert.ok(f, JSON.stringify(s.frames));
    assert.ok(f.down >= 6000 && f.down <= 10000, JSON.stringify(f));
    for (const k of ['up', 'down', 'upTotal', 'downTotal']) assert.equal(typeof s.frames[0][k], 'number');
  } finally {
    c.close();
    s.sock.close();
    await s.closed;
  }
});

test('WS /logs?level=warning gets warnings and errors only; format=structured has fields', async () => {
  const plain = ws('/logs?level=warning', { token: SECRET });
  const structured = ws('/logs?level=debug&format=structured', { token: SECRET });
  await Promise.all([plain.opened, structured.opened]);
  try {
    const log = h.deps.hub.logger;
    log.debug('dbg line');
    log.info('info line', { a: 1 });
    log.warn('warn line', { host: 'x.example' });
    log.error('error line', { err: new Error('boom') });
    await until(() => plain.frames.length >= 2 && structured.frames.length >= 4, 2000, 'log frames');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(plain.frames.map((f) => f.type), ['warning', 'error']);
    assert.equal(plain.frames[0].payload, 'warn line host=x.example');
    assert.equal(plain.frames[1].payload, 'error line err=boom');
    const s = structured.frames;
    assert.deepEqual(s.map((f) => f.level), ['debug', 'info', 'warning', 'error']);
    assert.equal(s[1].message, 'info line');
    assert.deepEqual(s[1].fields, [{ key: 'a', value: '1' }]);
    assert.ok(!Number.isNaN(Date.parse(s[0].time)));
  } finally {
    plain.sock.close();
    structured.sock.close();
    await Promise.all([plain.closed, structured.closed]);
  }
});

/** GET without upgrade; collects NDJSON lines until `want` lines or the end. */
function ndjson(path: string, want: number, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; lines: any[] }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${base}${path}`, { headers: { host: hostHeader, authorization: `Bearer ${SECRET}`, ...headers } }, (res) => {
      const lines: any[] = [];
      let buf = '';
      const done = () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, lines });
      };
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buf.slice(0, i)));
          buf = buf.slice(i + 1);
          if (lines.length >= want) return done();
        }
      });
      res.on('end', () => {
        if (buf.trim()) lines.push(JSON.parse(buf));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, lines });
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('ndjson timeout')));
  });
}

test('without the upgrade, /traffic, /memory and /logs are chunked NDJSON', async () => {
  const t = await ndjson('/traffic', 2);
  assert.equal(t.status, 200);
  assert.equal(t.headers['transfer-encoding'], 'chunked');
  assert.equal(t.lines.length, 2);
  assert.equal(typeof t.lines[1].upTotal, 'number');
  const m = await ndjson('/memory', 2);
  assert.deepEqual(m.lines[0], { inuse: 0, oslimit: 0 });
  assert.ok(m.lines[1].inuse > 0);
  const pending = ndjson('/logs?level=error', 1);
  await new Promise((r) => setTimeout(r, 100));
  h.deps.hub.logger.info('not this');
  h.deps.hub.logger.error('this one');
  const l = await pending;
  assert.deepEqual(l.lines, [{ type: 'error', payload: 'this one' }]);
  const bad = await ndjson('/logs?level=loud', 1);
  assert.equal(bad.status, 400);
  assert.equal(bad.lines[0].code, 'SY_ERR_API_BAD_QUERY');
  const snap = await ndjson('/connections', 1);
  assert.ok(Array.isArray(snap.lines[0].connections));
});

test('frequent reconnects (60 WebSockets opened and dropped) leave the server healthy', async () => {
  for (let round = 0; round < 3; round++) {
    const socks = Array.from({ length: 20 }, (_, i) => ws(['/traffic', '/memory', '/logs', '/connections'][i % 4]!, { token: SECRET }));
    await Promise.all(socks.map((s) => s.opened));
    for (const s of socks) (round === 1 ? s.sock.terminate() : s.sock.close());
    await Promise.all(socks.map((s) => s.closed));
  }
  const r = await ndjson('/memory', 1);
  assert.equal(r.status, 200);
});

test('close() ends open WebSocket and NDJSON streams and is idempotent', async () => {
  const x = harness({ listen: '127.0.0.1:0' });
  await x.c.start();
  const addr = `127.0.0.1:${x.c.address().port}`;
  const sock = new WebSocket(`ws://${addr}/logs?token=${SECRET}`);
  await new Promise((r, j) => {
    sock.once('open', r);
    sock.once('error', j);
  });
  const wsClosed = new Promise((r) => sock.once('close', r));
  const httpEnded = new Promise<void>((resolve, reject) => {
    http.get(`http://${addr}/traffic`, { headers: { host: addr, authorization: `Bearer ${SECRET}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    }).on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  await Promise.all([x.c.close(), x.c.close()]);
  await Promise.race([Promise.all([wsClosed, httpEnded]), new Promise((_, j) => setTimeout(() => j(new Error('streams not closed')), 3000))]);
  assert.ok(Date.now() - t0 < 3000);
});
