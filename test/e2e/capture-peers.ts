// Peers for the capture tests, as inline scripts for `node -e` inside a namespace.
// TARGET: answers every TCP connection and UDP datagram on [::]:ports with the
// source address it saw (`seen <ip>`), and logs one JSON line per contact.
// CLIENT: `node -e CLIENT tcp|udp|udp3 ip port [payload]` prints the answer, exit 0,
// or exits 2 after a 2 s timeout.
export const TARGET = `
const net = require('net'), dgram = require('dgram');
const ports = JSON.parse(process.argv[1]);
const unmap = (ip) => ip.replace(/^::ffff:(?=\\d+\\.)/, '');
let pending = ports.length * 2;
const ready = () => { if (--pending === 0) console.log(JSON.stringify({ ready: true })); };
for (const p of ports) {
  net.createServer((s) => { const ip = unmap(s.remoteAddress); console.log(JSON.stringify({ tcp: ip, port: p })); s.end('seen ' + ip); s.on('error', () => {}); }).listen(p, '::', ready);
  const u = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  u.on('message', (m, r) => { const ip = unmap(r.address); console.log(JSON.stringify({ udp: ip, port: p })); u.send('seen ' + ip, r.port, r.address); });
  u.bind(p, '::', ready);
}`;

export const CLIENT = `
const [kind, ip, port, payload = 'hello'] = process.argv.slice(1);
setTimeout(() => process.exit(2), 2000).unref();
if (kind === 'tcp') {
  const s = require('net').connect(Number(port), ip);
  let out = '';
  s.on('data', (d) => (out += d)); s.on('end', () => { process.stdout.write(out); process.exit(0); });
  s.on('error', (e) => { console.error(e.message); process.exit(1); });
  s.write(payload);
} else {
  // udp: one exchange; udp3: three exchanges on the same socket (later datagrams of a flow
  // must still reach the proxy while its reply socket for that destination exists)
  let left = kind === 'udp3' ? 3 : 1;
  const u = require('dgram').createSocket(ip.includes(':') ? 'udp6' : 'udp4');
  const send = () => u.send(payload, Number(port), ip);
  u.on('message', (m) => { if (--left === 0) { process.stdout.write(m.toString()); process.exit(0); } send(); });
  send(); setInterval(send, 500).unref();
}`;
