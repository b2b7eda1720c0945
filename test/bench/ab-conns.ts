// A/B of the per-connection cost: two variants of switchyard (environment
// switches), interleaved for ROUNDS rounds on one topology, each measured
// with wrk (new connection per request, C connections, SECS s) on DIRECT
// and SOCKS5. Prints per variant and path the median and best of conns/s,
// p50, and CPU µs per connection of the whole process and of its main thread.
//   AB_A='' AB_B='SWITCHYARD_NATIVE_DIAL=0' ROUNDS=3 node bin/run-ts.mjs test/bench/ab-conns.ts
// The machine is shared and noisy: compare variants of one run only.
import { buildBenchLab, PROXIED, DIRECT, HTTP_PORT } from './lab.js';
import { wrk, cpuSeconds, threadCpuSeconds, median } from './measure.js';

const ROUNDS = Math.max(1, Math.min(9, Number(process.env.ROUNDS ?? 3)));
const SECS = Math.max(1, Math.min(10, Number(process.env.SECS ?? 3)));
const C = Math.max(1, Math.min(200, Number(process.env.C ?? 20)));
const parseEnv = (s: string): Record<string, string> =>
  Object.fromEntries(s.split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const variants = { A: parseEnv(process.env.AB_A ?? ''), B: parseEnv(process.env.AB_B ?? 'SWITCHYARD_NATIVE_DIAL=0') };

type Row = { rps: number; p50: number; cpu: number; main: number };
const rows = new Map<string, Row[]>();
const lab = await buildBenchLab();
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const [v, env] of Object.entries(variants)) {
      const sys = await lab.start('switchyard', env);
      try {
        await new Promise((res) => setTimeout(res, 1000));
        for (const [path, ip] of [['DIRECT', DIRECT], ['SOCKS5', PROXIED]] as const) {
          const pid = sys.pid!;
          const c0 = cpuSeconds(pid);
          const m0 = threadCpuSeconds(pid);
          const w = await wrk(lab.dp.lab, lab.dp.topo.lan, `http://${ip}:${HTTP_PORT}/`, SECS, C);
          const n = w.rps * SECS;
          const row = { rps: w.rps, p50: w.p50, cpu: ((cpuSeconds(pid) - c0) / n) * 1e6, main: ((threadCpuSeconds(pid) - m0) / n) * 1e6 };
          const k = `${v} ${path}`;
          rows.set(k, [...(rows.get(k) ?? []), row]);
          process.stderr.write(`[ab] round ${r + 1} ${k} ${JSON.stringify(row)}\n`);
        }
      } finally {
        await sys.stop();
      }
    }
  }
} finally {
  await lab.destroy();
}
const f = (x: number, d = 0) => x.toFixed(d);
console.log(`A = ${JSON.stringify(variants.A)}  B = ${JSON.stringify(variants.B)}  (${ROUNDS} rounds × ${SECS} s, c=${C})`);
console.log('| variant path | conns/s median (best) | p50 ms median | process µs/conn median (min) | main thread µs/conn median (min) |');
console.log('|---|---:|---:|---:|---:|');
for (const [k, rs] of [...rows].sort()) {
  const pick = (g: (r: Row) => number) => rs.map(g);
  console.log(`| ${k} | ${f(median(pick((r) => r.rps)))} (${f(Math.max(...pick((r) => r.rps)))}) | ${f(median(pick((r) => r.p50)), 2)} | ${f(median(pick((r) => r.cpu)))} (${f(Math.min(...pick((r) => r.cpu)))}) | ${f(median(pick((r) => r.main)))} (${f(Math.min(...pick((r) => r.main)))}) |`);
}
