// Child process of the crash test: switches the system proxy on, prints
// "on", then waits to be killed (it never switches off).
import { createSystemProxy } from '../../../main/electron/sysproxy/system-proxy.js';
import { execRunner } from '../../../main/electron/sysproxy/runner.js';

const sp = createSystemProxy({ run: execRunner(process.env), env: process.env, stateDir: process.env.SY_STATE_DIR! });
await sp.on({ port: Number(process.env.SY_PORT) });
process.stdout.write('on\n');
setTimeout(() => process.exit(3), 30_000);
