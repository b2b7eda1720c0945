// A tiny transparent proxy built only on the native API, for the capture
// tests (run inside a namespace: `node --import tsx capture-proxy.ts`).
// Config comes as JSON in SY_PROXY: { port, mark, dnsPort?, deadmanSeconds? }.
// - TCP: transparent listener on [::]:port; each connection is logged with
//   the original destination (the accepted socket's local address) and
//   relayed to it over a socket carrying SO_MARK = mark.
// - UDP: TransparentUdp on [::]:port; each datagram is forwarded to its
//   original destination over a marked socket and the answer is sent back
//   from that destination with sendFrom().
// - DNS: UDP and TCP on dnsPort answer `dns-ok` (no real DNS needed).
// - Dead-man heartbeat when deadmanSeconds is set (startDeadman).
// Every event is one JSON line on stdout; `{"ready":true}` once listening.
import net from 'node:net';
import dgram from 'node:dgram';
import { connectMarkedTcp, createMarkedDgram, listenTransparentTcp, TransparentUdp, type Endpoint } from '../../native/index.js';
import { createCommandRunner, startDeadman } from '../../main/capture/index.js';
import { NULL_LOGGER } from '../../main/core/logger.js';

interface ProxyOptions {
  port: number;
  mark: number;
  dnsPort?: number;
  deadmanSeconds?: number;
}

const opts = JSON.parse(process.env.SY_PROXY ?? '{}') as ProxyOptions;
const emit = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
const unmap = (ip: string) => ip.replace(/^::ffff:(?=\d+\.)/, '');

async function main(): Promise<void> {
  const server = net.createServer((client) => {
    const dst = { ip: unmap(client.localAddress ?? ''), port: client.localPort ?? 0 };
    emit({ tcp: { src: unmap(client.remoteAddress ?? ''), dst } });
    const out = connectMarkedTcp({ host: dst.ip, port: dst.port, mark: opts.mark });
    client.pipe(out).pipe(client);
    const done = () => {
      client.destroy();
      out.destroy();
    };
    client.on('error', done);
    out.on('error', (e) => {
      emit({ tcpError: { dst, error: e.message } });
      done();
    });
  });
  await listenTransparentTcp(server, { host: '::', port: opts.port, mark: opts.mark });

  const flows = new Map<string, dgram.Socket>();
  const udp = new TransparentUdp({ host: '::', port: opts.port, mark: opts.mark }, (data, src, dst) => {
    emit({ udp: { src: src.ip, dst } });
    void forwardUdp(data, src, dst);
  });
  const forwardUdp = async (data: Buffer, src: Endpoint, dst: Endpoint) => {
    const key = `${src.ip}|${src.port}|${dst.ip}|${dst.port}`;
    let sock = flows.get(key);
    if (!sock) {
      sock = await createMarkedDgram(net.isIPv6(dst.ip) ? 6 : 4, opts.mark);
      flows.set(key, sock);
      sock.on('message', (reply) => udp.sendFrom(reply, dst, src));
    }
    sock.send(data, dst.port, dst.ip);
  };

  if (opts.dnsPort) {
    for (const type of ['udp4', 'udp6'] as const) {
      const s = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
      s.on('message', (m, r) => {
        emit({ dns: { net: 'udp', src: unmap(r.address) } });
        s.send(Buffer.from('dns-ok'), r.port, r.address);
      });
      await new Promise<void>((res) => s.bind(opts.dnsPort, type === 'udp4' ? '0.0.0.0' : '::', res));
    }
    const tcpDns = net.createServer((c) => {
      emit({ dns: { net: 'tcp', src: unmap(c.remoteAddress ?? '') } });
      c.end('dns-ok');
    });
    await new Promise<void>((res) => tcpDns.listen({ port: opts.dnsPort, host: '::' }, res));
  }

  if (opts.deadmanSeconds) startDeadman({ run: createCommandRunner(), logger: NULL_LOGGER, seconds: opts.deadmanSeconds, onError: (e) => emit({ deadmanError: e.message }) });
  emit({ ready: true });
}

main().catch((e) => {
  emit({ fatal: String(e) });
  process.exit(1);
});
