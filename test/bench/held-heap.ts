// What one held idle connection costs the core: RSS, and a heap snapshot
// diff (by constructor) between idle and holding N connections.
//   HOLD=5000 node bin/run-ts.mjs test/bench/held-heap.ts
// Writes the snapshots to $HEAP_DIR (default a temp dir) and prints the
// types that grew the most, per held connection. SNAPSHOT=0: RSS only, as
// `npm run bench` measures it (a snapshot forces a GC and grows RSS itself);
// SY_NODE_OPTIONS: NODE_OPTIONS of the core (e.g. V8 heap flags to compare).
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBenchLab, DIRECT, HOLD_PORT } from './lab.js';
import { rssBytes } from './measure.js';
import { ROOT } from '../e2e/dataplane-topology.js';

const N = Math.max(100, Math.min(9000, Number(process.env.HOLD ?? 5000)));
const dir = process.env.HEAP_DIR ?? mkdtempSync(join(tmpdir(), 'sy-heap-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends SIGUSR2 and waits for the new snapshot file to be complete. */
async function snapshot(pid: number): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(200);
    const f = readdirSync(dir).find((x) => x.endsWith('.heapsnapshot') && !before.has(x));
    if (f) {
      const p = join(dir, f);
      let size = -1;
      while (statSync(p).size !== size) {
        size = statSync(p).size;
        await sleep(500);
      }
      return p;
    }
  }
  throw new Error('no heap snapshot written');
}

function summarize(file: string): Map<string, [number, number]> {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const F: string[] = snap.snapshot.meta.node_fields;
  const types: string[] = snap.snapshot.meta.node_types[0];
  const [iT, iN, iS] = [F.indexOf('type'), F.indexOf('name'), F.indexOf('self_size')];
  const out = new Map<string, [number, number]>();
  const nodes: number[] = snap.nodes;
  for (let i = 0; i < nodes.length; i += F.length) {
    const t = types[nodes[i + iT]!]!;
    let name: string = snap.strings[nodes[i + iN]!];
    if (t.includes('string')) name = '(string)';
    else if (t === 'code' || t === 'hidden' || t === 'array' || t === 'number') name = `(${t}) ${t === 'array' ? name.slice(0, 40) : ''}`;
    else if (t === 'closure') name = `closure ${name}`;
    const k = `${t}:${name}`.slice(0, 90);
    const e = out.get(k) ?? [0, 0];
    e[0]++;
    e[1] += nodes[i + iS]!;
    out.set(k, e);
  }
  return out;
}

const lab = await buildBenchLab();
try {
  const snap = process.env.SNAPSHOT !== '0';
  const nodeOptions = [process.env.SY_NODE_OPTIONS ?? '', snap ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` : ''].join(' ').trim();
  const sys = await lab.start('switchyard', nodeOptions ? { NODE_OPTIONS: nodeOptions } : {});
  const pid = sys.pid!;
  await sleep(1500);
  const a = snap ? await snapshot(pid) : '';
  const rss0 = rssBytes(pid);
  const child = lab.dp.lab.spawn(lab.dp.topo.lan, process.execPath, [join(ROOT, 'test', 'bench', 'hold-client.mjs'), DIRECT, String(HOLD_PORT), String(N), '60000'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('hold-client did not report')), 70_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve((clearTimeout(t), buf.trim()));
    });
  });
  await sleep(2000);
  const rss1 = rssBytes(pid);
  const b = snap ? await snapshot(pid) : '';
  const rss2 = rssBytes(pid);
  child.stdin!.end();
  await sleep(500);
  await sys.stop();
  const held = Number(/open (\d+)/.exec(line)?.[1] ?? 0);
  if (!snap) {
    console.log(`held ${held}; RSS idle ${(rss0 / 1048576).toFixed(1)} MB, holding ${(rss1 / 1048576).toFixed(1)} MB = ${((rss1 - rss0) / 1024 / held).toFixed(2)} KiB/conn`);
  } else report(a, b, held, rss0, rss1, rss2);
} finally {
  await lab.destroy();
}

function report(a: string, b: string, held: number, rss0: number, rss1: number, rss2: number): void {
  console.log(`held ${held}; RSS idle ${(rss0 / 1048576).toFixed(1)} MB, holding ${(rss1 / 1048576).toFixed(1)} MB = ${((rss1 - rss0) / 1024 / held).toFixed(2)} KiB/conn (after the snapshot's GC: ${((rss2 - rss0) / 1024 / held).toFixed(2)} KiB/conn)`);
  const sa = summarize(a);
  const sb = summarize(b);
  let total = 0;
  const rows: [string, number, number][] = [];
  for (const [k, [n, sz]] of sb) {
    const [n0, sz0] = sa.get(k) ?? [0, 0];
    total += sz - sz0;
    rows.push([k, n - n0, sz - sz0]);
  }
  console.log(`heap grew ${(total / 1024 / held).toFixed(2)} KiB/conn; largest growth per connection:`);
  for (const [k, dn, dsz] of rows.sort((x, y) => y[2] - x[2]).slice(0, 30)) console.log(`${(dn / held).toFixed(2).padStart(7)} objs ${(dsz / held).toFixed(0).padStart(6)} B  ${k}`);
  console.log(`snapshots in ${dir}`);
}
