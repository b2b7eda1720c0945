// Robustness of the running core under load and faults, in network
// namespaces (lab.ts): thousands of concurrent connections, an fd limit hit
// and recovered from, slow and half-closing clients, the upstream killed
// mid-transfer with a fallback group, and a bounded soak whose memory slope
// is reported. Every loop is bounded in count and time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { buildRobustLab, fdCount, rssBytes, PROXIED, DIRECT, HTTP_PORT, HOLD_PORT, type RobustLab } from './lab.js';
import { requireRoot, canUseNetns, run } from '../../helpers/netns.js';
import { waitFor } from '../dataplane-topology.js';

// One process may open 20,000 fds here and that cannot be raised
// (reference.md §7.3); a relayed connection holds 2, so one core holds just
// under 10,000 relayed connections: 9,000 leaves room for its own fds.
const CONCURRENT = Number(process.env.ROBUST_CONCURRENT ?? 9000);
const SOAK_MS = Math.max(30_000, Number(process.env.ROBUST_SOAK_MS ?? 60_000)); // shorter windows make the slope meaningless

let L: RobustLab | undefined;
before(async () => {
  if (canUseNetns()) L = await buildRobustLab('sy-rob');
});
after(async () => {
  await L?.destroy();
});

/** pid and all its descendants (from /proc/<pid>/stat ppid), parents first. */
function descendants(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      /* exited */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length && i < 10_000; i++) out.push(...(kids.get(out[i]!) ?? []));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The core answers: one DIRECT and one proxied request succeed. */
async function serving(l: RobustLab): Promise<void> {
  for (const ip of [DIRECT, PROXIED]) {
    const out = await l.dp.curl(l.dp.topo.lan, ['-H', 'Connection: close', `http://${ip}:${HTTP_PORT}/`]);
    assert.match(out, /^x+$/, `${ip}: ${out}`);
  }
}

function alive(l: RobustLab): void {
  assert.equal(l.core.child.exitCode, null, `the core exited:\n${l.core.lines.slice(-30).join('\n')}`);
}

/** Waits until the core's fd count is back near `base` (relays closed, pipes pooled). */
async function fdsBackTo(l: RobustLab, base: number, ms: number): Promise<number> {
  return waitFor(`fds back to ~${base}`, ms, () => {
    const n = fdCount(l.pid);
    return n <= base + 40 ? n : undefined;
  });
}

test(`${CONCURRENT} concurrent connections through the core; it keeps serving and releases them`, async (t) => {
  if (!requireRoot(t)) return;
  const l = L!;
  await serving(l);
  const base = fdCount(l.pid);
  const rss0 = rssBytes(l.pid);
  const h = await l.hold(DIRECT, HOLD_PORT, CONCURRENT, 'idle', 60_000);
  try {
    assert.equal(h.open, CONCURRENT, h.line);
    await waitFor('connections relayed', 20_000, () => (fdCount(l.pid) >= base + CONCURRENT * 2 - 50 ? true : undefined));
    const rss1 = rssBytes(l.pid);
    t.diagnostic(`held ${h.open}: fds ${base} -> ${fdCount(l.pid)}, RSS ${(rss0 / 1048576).toFixed(1)} -> ${(rss1 / 1048576).toFixed(1)} MB (${((rss1 - rss0) / h.open / 1024).toFixed(1)} KiB/conn)`);
    await serving(l);
    alive(l);
  } finally {
    await h.close();
  }
  await fdsBackTo(l, base, 20_000);
});

test('slow and half-closing clients do not exhaust the core', async (t) => {
  if (!requireRoot(t)) return;
  const l = L!;
  const base = fdCount(l.pid);
  const slow = await l.hold(DIRECT, HOLD_PORT, 1000, 'slow', 30_000);
  const half = await l.hold(DIRECT, HOLD_PORT, 1000, 'half', 30_000); // send a line, then FIN, keep reading
  const drip = await l.hold(PROXIED, HTTP_PORT, 300, 'slow', 30_000); // requests that never finish, through dante
  try {
    assert.equal(slow.open, 1000, slow.line);
    assert.equal(half.open, 1000, half.line);
    const t0 = Date.now();
    await serving(l);
    const took = Date.now() - t0;
    t.diagnostic(`with 2,300 slow/half-closing clients: fds ${fdCount(l.pid)}, two fresh requests in ${took} ms`);
    assert.ok(took < 3000, `fresh requests took ${took} ms`);
    alive(l);
  } finally {
    await Promise.all([slow.close(), half.close(), drip.close()]);
  }
  await fdsBackTo(l, base, 20_000);
});

test('at the fd limit new connections are refused cleanly and service recovers', async (t) => {
  if (!requireRoot(t)) return;
  const l = L!;
  const base = fdCount(l.pid);
  const limit = base + 300;
  const set = (n: number) => run('prlimit', ['--pid', String(l.pid), `--nofile=${n}:${n}`]);
  const orig = (await run('prlimit', ['--pid', String(l.pid), '--nofile', '--raw', '--noheadings'])).stdout.trim().split(/\s+/);
  assert.equal((await set(limit)).code, 0);
  try {
    const h = await l.hold(DIRECT, HOLD_PORT, 600, 'idle', 20_000);
    try {
      await sleep(1500);
      alive(l);
      t.diagnostic(`fd limit ${limit}: ${h.line}; core fds ${fdCount(l.pid)}`);
      assert.ok(fdCount(l.pid) <= limit, 'never above the limit');
    } finally {
      await h.close();
    }
    await fdsBackTo(l, base, 20_000);
    // recovered: fresh connections work again at the same limit
    await waitFor('serving again', 15_000, async () => {
      try {
        await serving(l);
        return true;
      } catch {
        return undefined;
      }
    });
    alive(l);
  } finally {
    await run('prlimit', ['--pid', String(l.pid), `--nofile=${orig[1] ?? 20000}:${orig[2] ?? 20000}`]);
  }
});

test('a spliced connection shows live byte counts and DELETE /connections/:id closes both sides', async (t) => {
  if (!requireRoot(t)) return;
  const l = L!;
  type Conn = { id: string; download: number; upload: number; metadata: { destinationIP: string; destinationPort: string } };
  const find = async (pred: (c: Conn) => boolean): Promise<Conn | undefined> =>
    ((await l.api('/connections')) as { connections: Conn[] }).connections.find((c) => c.metadata.destinationIP === PROXIED && c.metadata.destinationPort === '80' && pred(c));
  // 1. live counts: a rate-limited download through dante is counted while it runs
  const dl = l.dp.lab.exec(l.dp.topo.lan, 'curl', ['-sS', '-m', '30', '--limit-rate', '1M', '-o', '/dev/null', `http://${PROXIED}/bytes/50000000`], { timeoutMs: 40_000 });
  const first = await waitFor('the download in /connections', 10_000, () => find((c) => c.download > 300_000));
  assert.ok(first.upload > 0, 'the request was counted');
  await sleep(1200);
  const later = await find((c) => c.id === first.id);
  assert.ok(later && later.download > first.download, `counts grow: ${first.download} -> ${later?.download}`);
  await l.api(`/connections/${first.id}`, 'DELETE');
  assert.notEqual((await dl).code, 0, 'the download was cut');
  // 2. kill latency: a request whose response is held; the client learns at once
  const held = l.dp.lab.exec(l.dp.topo.lan, 'curl', ['-sS', '-m', '30', `http://${PROXIED}/hold/20000`], { timeoutMs: 40_000 });
  const conn = await waitFor('the held request in /connections', 10_000, () => find((c) => c.download > 0));
  const killedAt = Date.now();
  await l.api(`/connections/${conn.id}`, 'DELETE');
  const r = await held;
  const took = Date.now() - killedAt;
  t.diagnostic(`download counted ${first.download} -> ${later!.download} bytes; held request killed, curl exit ${r.code} after ${took} ms`);
  assert.notEqual(r.code, 0, 'the client saw its connection closed');
  assert.ok(took < 1500, `at once (${took} ms)`);
  assert.equal(await find((c) => c.id === conn.id), undefined, 'gone from the table');
});

test('the upstream killed mid-transfer: that transfer fails, the fallback group switches, nothing crashes', async (t) => {
  if (!requireRoot(t)) return;
  const l = L!;
  const g0 = (await l.api('/proxies/PROXY')) as { now: string };
  assert.equal(g0.now, 'up');
  // A 400 MB download through dante :1080, limited to 20 MB/s so it is still running when dante dies.
  const dl = l.dp.lab.exec(l.dp.topo.lan, 'curl', ['-sS', '-m', '30', '--limit-rate', '20M', '-o', '/dev/null', '-w', '%{size_download}', `http://${PROXIED}/bytes/400000000`], { timeoutMs: 40_000 });
  await sleep(1500);
  // dante serves each session from forked children: kill the whole tree.
  for (const pid of descendants(l.dp.dante.child.pid!).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  const r = await dl;
  assert.notEqual(r.code, 0, 'the transfer through the killed upstream fails');
  t.diagnostic(`transfer ended with curl exit ${r.code} after ${r.stdout} bytes`);
  const now = await waitFor('fallback to up2', 15_000, async () => {
    const g = (await l.api('/proxies/PROXY')) as { now: string };
    return g.now === 'up2' ? g.now : undefined;
  });
  assert.equal(now, 'up2');
  await serving(l);
  // the first upstream comes back: fallback returns to it
  await l.startDante(1080);
  await waitFor('back to up', 15_000, async () => ((await l.api('/proxies/PROXY')) as { now: string }).now === 'up' ? true : undefined);
  await serving(l);
  alive(l);
});

test(`soak: ${SOAK_MS / 1000} s of mixed traffic, memory stays flat`, async (t) => {
  if (!requireRoot(t)) return;
  const l = L!;
  const { lab, topo } = l.dp;
  const secs = Math.round(SOAK_MS / 1000);
  const load = Promise.all([
    lab.exec(topo.lan, 'wrk', ['-t1', '-c8', `-d${secs}s`, '-H', 'Connection: close', `http://${DIRECT}:${HTTP_PORT}/`], { timeoutMs: SOAK_MS + 20_000 }),
    lab.exec(topo.lan, 'wrk', ['-t1', '-c8', `-d${secs}s`, `http://${PROXIED}:${HTTP_PORT}/`], { timeoutMs: SOAK_MS + 20_000 }),
    lab.exec(topo.lan, 'iperf3', ['-c', DIRECT, '-t', String(secs), '-b', '200M', '-P', '2'], { timeoutMs: SOAK_MS + 20_000 }).catch(() => null),
  ]);
  const samples: Array<[number, number]> = [];
  const t0 = Date.now();
  for (let i = 0; i < 1000 && Date.now() - t0 < SOAK_MS; i++) {
    await sleep(2000);
    samples.push([(Date.now() - t0) / 60_000, rssBytes(l.pid) / 1048576]);
  }
  const [direct, proxied] = await load;
  alive(l);
  // slope of RSS over the second half (after warm-up), MB per minute
  const tail = samples.slice(Math.floor(samples.length / 2));
  const mx = tail.reduce((a, s) => a + s[0], 0) / tail.length;
  const my = tail.reduce((a, s) => a + s[1], 0) / tail.length;
  const slope = tail.reduce((a, s) => a + (s[0] - mx) * (s[1] - my), 0) / tail.reduce((a, s) => a + (s[0] - mx) ** 2, 0);
  const reqs = (o: { stdout: string }) => /(\d+) requests in/.exec(o.stdout)?.[1] ?? '?';
  t.diagnostic(`soak: ${reqs(direct)} DIRECT + ${reqs(proxied)} proxied requests; RSS ${samples[0]?.[1].toFixed(1)} -> ${samples.at(-1)?.[1].toFixed(1)} MB; slope over the second half ${slope.toFixed(2)} MB/min`);
  // V8 sizes its heap up in steps under load and RSS keeps those pages, so a
  // 60 s RSS slope is noisy (+4 to +38 MB/min seen here for the same build).
  // The bound catches a gross leak (a 1,000 conn/s leak of 1 KiB each is
  // ~60 MB/min); the exact check, heap after forced GCs across thousands of
  // connections, is test/unit/engine/leak.test.ts.
  assert.ok(slope < 60, `RSS slope ${slope.toFixed(2)} MB/min`);
  await serving(l);
});
