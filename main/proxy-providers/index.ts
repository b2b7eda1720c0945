// proxy-providers/: subscriptions of proxies (mihomo's proxy-providers). The
// engine builds them after the outbounds (they download through one), then
// attaches them with OutboundSet.setProviders().
import type { ProxyProviderConfig } from '../config/types.js';
import type { SyError } from '../core/errors.js';
import { isSyError, SyError as Err } from '../core/errors.js';
import type { OutboundSet } from '../outbound/index.js';
import type { Logger } from '../core/logger.js';
import { ProxyProvider, type ProxyProviderDeps } from './provider.js';

export { ProxyProvider, type ProxyProviderDeps, type SubscriptionInfo, type VehicleType } from './provider.js';
export { fetchThrough, parseUserinfo, DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_SIZE_LIMIT } from './fetch.js';
export { checkProxyProviders, type ProxyProviderCheck } from './check.js';

export interface LoadedProxyProviders {
  readonly providers: ReadonlyMap<string, ProxyProvider>;
  /** file providers that could not be read (located, coded); http/inline never fail here. */
  readonly errors: readonly SyError[];
}

/**
 * Build and load every provider, attach them to `outbounds` (group members
 * are computed) and return them; call start() on each once the engine runs.
 */
export async function loadProxyProviders(
  configs: Readonly<Record<string, ProxyProviderConfig>>,
  outbounds: OutboundSet,
  deps: { logger: Logger } & Partial<Omit<ProxyProviderDeps, 'outbounds' | 'onChange' | 'logger'>>,
): Promise<LoadedProxyProviders> {
  const providers = new Map<string, ProxyProvider>();
  const errors: SyError[] = [];
  let attached = false;
  for (const cfg of Object.values(configs)) {
    const p = new ProxyProvider(cfg, {
      ...deps,
      outbounds,
      onChange: () => {
        if (attached) outbounds.refreshMembers();
      },
      usedWithin: (ms) => outbounds.providerUsedWithin(cfg.name, ms),
    });
    providers.set(cfg.name, p);
  }
  await Promise.all(
    [...providers.values()].map((p) =>
      p.load().catch((e: unknown) => {
        errors.push(isSyError(e) ? e : new Err('SY_ERR_PROXY_PROVIDER_READ', { where: p.cfg.where, cause: e }));
      }),
    ),
  );
  outbounds.setProviders([...providers.values()]);
  attached = true;
  return { providers, errors };
}
