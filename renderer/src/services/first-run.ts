// Is this the first run? The core runs the bundled default config, no profile
// is active and no upstream proxy is defined. Any failure answers false (the
// normal dashboard is never hidden behind the setup by an error).
import type { ApiClient } from '../api/client.js';

const BUILTIN = new Set(['Direct', 'Reject', 'RejectDrop', 'Pass', 'Compatible']);

export async function isFirstRun(c: Pick<ApiClient, 'configRaw' | 'profiles' | 'proxies'>): Promise<boolean> {
  try {
    const raw = await c.configRaw();
    if (!raw.bundled || raw.profile) return false;
    const profiles = await c.profiles().catch(() => ({ active: '', profiles: [] }));
    if (profiles.active) return false;
    const proxies = await c.proxies();
    return !Object.values(proxies.proxies).some((p) => !p.all && !BUILTIN.has(p.type));
  } catch {
    return false;
  }
}
