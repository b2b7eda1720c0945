// Bench peers in the "internet" namespace: a minimal HTTP/1.1 responder (one
// fixed response per request, honours Connection: close; cheaper than
// node:http so the server is not what limits connections/s), and an idle
// holder that accepts connections, discards what they send and keeps them
// open until the client closes.
// usage: node servers.mjs --http PORT --hold PORT  (prints "ready")
import net from 'node:net';

const args = process.argv.slice(2);
const opt = (k) => {
  const i = args.indexOf(k);
  return i >= 0 ? Number(args[i + 1]) : 0;
};
const BODY = 'x'.repeat(64);
const CLOSE = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`);
const KEEP = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`);

const http = net.createServer((s) => {
  s.setNoDelay(true);
  s.on('error', () => {});
  let buf = '';
  s.on('data', (d) => {
    buf += d.toString('latin1');
    for (let i = 0; i < 64; i++) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) break;
      const req = buf.slice(0, end);
      buf = buf.slice(end + 4);
      if (/\r\nconnection:\s*close/i.test(req)) {
        s.end(CLOSE);
        return;
      }
      s.write(KEEP);
    }
    if (buf.length > 65536) s.destroy();
  });
});
http.listen({ port: opt('--http'), host: '0.0.0.0', backlog: 4096 });

let held = 0;
const hold = net.createServer((s) => {
  held++;
  s.on('error', () => {});
  s.resume(); // read and discard: a client's FIN is seen, and the server then closes too
  s.on('close', () => held--);
});
hold.listen({ port: opt('--hold'), host: '0.0.0.0', backlog: 4096 });
Promise.all([new Promise((r) => http.once('listening', r)), new Promise((r) => hold.once('listening', r))]).then(() => console.log('ready'));
process.on('SIGUSR2', () => console.log(`held ${held}`));
