// Run inside a namespace by native.test.ts: opens a marked TCP connection and
// sends a marked UDP datagram to 127.0.0.1, then prints "done". The test
// counts packets carrying the mark with an nft counter in that namespace.
import net from 'node:net';
import { connectMarkedTcp, createMarkedDgram } from '../../../native/index.js';

const mark = Number(process.argv[2]);
const server = net.createServer((s) => s.end('ok')).listen(0, '127.0.0.1', async () => {
  const port = (server.address() as net.AddressInfo).port;
  const c = connectMarkedTcp({ host: '127.0.0.1', port, mark });
  c.resume();
  c.on('end', async () => {
    const u = await createMarkedDgram(4, mark);
    u.send('x', 9, '127.0.0.1', () => {
      u.close();
      server.close();
      console.log('done');
    });
  });
});
