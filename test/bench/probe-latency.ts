// Ad-hoc: per-request latency with one connection at a time (no queueing),
// ceiling vs switchyard, DIRECT and SOCKS5, with the CPU per connection of the
// relay process and of its main thread (BENCH_SYSTEMS, C = wrk connections). `node bin/run-ts.mjs test/bench/probe-latency.ts`
import { buildBenchLab, PROXIED, DIRECT, HTTP_PORT, type SystemName } from './lab.js';
import { wrk, cpuSeconds, threadCpuSeconds } from './measure.js';

const lab = await buildBenchLab();
try {
  for (const name of (process.env.BENCH_SYSTEMS ?? 'ceiling,switchyard').split(',') as SystemName[]) {
    const sys = await lab.start(name);
    await new Promise((r) => setTimeout(r, 1000));
    for (const ip of [DIRECT, PROXIED]) {
      const c0 = sys.pid ? cpuSeconds(sys.pid) : 0;
      const m0 = sys.pid ? threadCpuSeconds(sys.pid) : 0;
      const w = await wrk(lab.dp.lab, lab.dp.topo.lan, `http://${ip}:${HTTP_PORT}/`, 3, Number(process.env.C ?? 1));
      const cpu = sys.pid ? cpuSeconds(sys.pid) - c0 : 0;
      const main = sys.pid ? threadCpuSeconds(sys.pid) - m0 : 0;
      const per = (s: number) => ((s / (w.rps * 3)) * 1e6).toFixed(0);
      console.log(name, ip, JSON.stringify(w), `process CPU ${cpu.toFixed(2)} s = ${per(cpu)} us/conn, main thread ${per(main)} us/conn`);
    }
    await sys.stop();
  }
} finally {
  await lab.destroy();
}
