// Ad-hoc: per-request latency with one connection at a time (no queueing),
// ceiling vs switchyard, DIRECT and SOCKS5. `node bin/run-ts.mjs test/bench/probe-latency.ts`
import { buildBenchLab, PROXIED, DIRECT, HTTP_PORT, type SystemName } from './lab.js';
import { wrk, cpuSeconds } from './measure.js';

const lab = await buildBenchLab();
try {
  for (const name of (process.env.BENCH_SYSTEMS ?? 'ceiling,switchyard').split(',') as SystemName[]) {
    const sys = await lab.start(name);
    await new Promise((r) => setTimeout(r, 1000));
    for (const ip of [DIRECT, PROXIED]) {
      const c0 = sys.pid ? cpuSeconds(sys.pid) : 0;
      const w = await wrk(lab.dp.lab, lab.dp.topo.lan, `http://${ip}:${HTTP_PORT}/`, 3, Number(process.env.C ?? 1));
      const cpu = sys.pid ? cpuSeconds(sys.pid) - c0 : 0;
      console.log(name, ip, JSON.stringify(w), `core CPU ${cpu.toFixed(2)} s = ${((cpu / (w.rps * 3)) * 1e6).toFixed(0)} us/conn`);
    }
    await sys.stop();
  }
} finally {
  await lab.destroy();
}
