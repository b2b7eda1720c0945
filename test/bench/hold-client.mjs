// Opens N connections to host:port, paced, and holds them until stdin closes
// or the time limit. Prints "open N" once all are connected (or "open K of N"
// when the deadline passed first).
// usage: node hold-client.mjs HOST PORT N LIMIT_MS
import net from 'node:net';

const [host, portS, nS, limitS] = process.argv.slice(2);
const n = Number(nS);
const limit = Number(limitS);
const socks = [];
let open = 0;
let failed = 0;
const deadline = Date.now() + limit;
const done = () => {
  console.log(open === n ? `open ${n}` : `open ${open} of ${n} (failed ${failed})`);
};
let started = 0;
const step = () => {
  // at most 200 connects in flight, so SYN backlogs never overflow
  while (started < n && started - open - failed < 200) {
    started++;
    const s = net.connect({ host, port: Number(portS) });
    s.on('connect', () => {
      open++;
      if (open + failed === n) done();
    });
    s.on('error', () => {
      failed++;
      if (open + failed === n) done();
    });
    socks.push(s);
  }
  if (started < n && Date.now() < deadline) setTimeout(step, 5);
  else if (started < n) done();
};
step();
const end = setTimeout(() => process.exit(0), limit + 60_000);
process.stdin.on('end', () => {
  clearTimeout(end);
  for (const s of socks) s.destroy();
  process.exit(0);
});
process.stdin.resume();
