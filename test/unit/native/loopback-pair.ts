// Two loopback TCP connections for relay tests: client -> inbound (accepted,
// paused, as the TPROXY listener hands it over) and remote -> target.
import net from 'node:net';
import { once } from 'node:events';

export interface LoopbackPair {
  client: net.Socket;
  inbound: net.Socket;
  remote: net.Socket;
  target: net.Socket;
  close(): void;
}

export async function loopbackPair(): Promise<LoopbackPair> {
  const a = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  const b = net.createServer({ allowHalfOpen: true });
  await Promise.all([once(a.listen(0, '127.0.0.1'), 'listening'), once(b.listen(0, '127.0.0.1'), 'listening')]);
  const inboundP = once(a, 'connection').then(([s]) => s as net.Socket);
  const targetP = once(b, 'connection').then(([s]) => s as net.Socket);
  const client = net.connect((a.address() as net.AddressInfo).port, '127.0.0.1');
  const remote = net.connect((b.address() as net.AddressInfo).port, '127.0.0.1');
  await Promise.all([once(client, 'connect'), once(remote, 'connect')]);
  const [inbound, target] = await Promise.all([inboundP, targetP]);
  for (const s of [client, target]) s.on('error', () => {});
  return { client, inbound, remote, target, close: () => { client.destroy(); target.destroy(); a.close(); b.close(); } };
}
