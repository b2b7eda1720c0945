// Child process for marked-tls.test.ts, run inside the client namespace:
// asks the DoT and DoH servers of argv[2] (JSON) for a.test with marked
// sockets (mark argv[3]) and with plain ones; prints one JSON line of results.
import { UpstreamResolver } from '../../../../main/dns/resolver.js';
import { markedSocketFactory } from '../../../../main/dns/marked-sockets.js';
import { DEFAULT_SOCKET_FACTORY, type DnsSocketFactory } from '../../../../main/dns/exchange.js';
import { SyError } from '../../../../main/core/errors.js';

const cfg = JSON.parse(process.argv[2]!) as { host: string; dot: number; doh: number; cert: string };
const mark = Number(process.argv[3]);
const ask = async (server: string, sockets: DnsSocketFactory): Promise<string> => {
  const r = new UpstreamResolver({ nameservers: [server], sockets, timeoutMs: 2000, tls: { ca: cfg.cert } });
  try {
    const a = await r.query('a.test', 'A');
    return String((a.answers[0] as { data?: unknown } | undefined)?.data);
  } catch (e) {
    return e instanceof SyError ? e.code + ' ' + e.message : `UNCODED ${String(e)}`;
  } finally {
    r.close();
  }
};
const dot = `tls://${cfg.host}:${cfg.dot}`;
const doh = `https://${cfg.host}:${cfg.doh}/dns-query`;
const out = {
  markedDot: await ask(dot, markedSocketFactory(mark)),
  markedDoh: await ask(doh, markedSocketFactory(mark)),
  plainDot: await ask(dot, DEFAULT_SOCKET_FACTORY),
  plainDoh: await ask(doh, DEFAULT_SOCKET_FACTORY),
};
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
