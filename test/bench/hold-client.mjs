// Opens N connections to host:port, paced, and holds them until stdin closes
// or the time limit. Prints "open N" once all are connected (or "open K of N"
// when the deadline passed first).
// MODE (default idle): idle = connect and send nothing; slow = send one byte
// every 500 ms; half = send a line, then shutdown(SHUT_WR) and keep reading.
// usage: node hold-client.mjs HOST PORT N LIMIT_MS [MODE]
import net from 'node:net';

const [host, portS, nS, limitS, mode = 'idle'] = process.argv.slice(2);
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
      s.wasOpen = true;
      open++;
      if (mode === 'half') s.end('half-open client\n');
      if (mode === 'slow') {
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('.')), 500);
        t.unref();
      }
      if (open + failed === n) done();
    });
    s.on('data', () => {});
    s.on('error', () => {
      if (s.wasOpen) return; // reset after connecting: it was counted as open
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
