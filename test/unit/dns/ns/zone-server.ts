// Child process for marked-tls.test.ts, run inside the server namespace:
// DoT and DoH servers on the address given in argv[2]; prints one JSON line
// {dot, doh, cert} when listening, then runs until killed.
import { A, makeCert, startDohZone, startDotZone } from '../zone-fixture.js';

const host = process.argv[2] ?? '127.0.0.1';
const cert = makeCert();
const zone = (name: string, type: string) => ({ answers: type === 'A' ? [A(name, '203.0.113.10')] : [] });
const dot = await startDotZone(zone, cert, host);
const doh = await startDohZone(zone, cert, host);
process.stdout.write(JSON.stringify({ dot: dot.port, doh: doh.port, cert: cert.cert }) + '\n');
const stop = () => void Promise.all([dot.close(), doh.close()]).then(() => process.exit(0));
process.on('SIGTERM', stop);
setTimeout(stop, 60_000).unref(); // never outlive a broken test run
await new Promise(() => {});
