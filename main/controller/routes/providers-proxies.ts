// /providers/proxies: the `default` Compatible provider (every non-group
// outbound of the config) plus each proxy provider, in mihomo's
// ProxyProvider shape; PUT updates now (503 + message on failure, the last
// good list stays); /healthcheck tests every proxy of a provider.
import type { App, Request } from '../http/types.js';
import { SyError, isSyError } from '../../core/errors.js';
import type { Outbound } from '../../core/outbound.js';
import type { ApiProxy, ApiProxyProvider } from '../api-types.js';
import type { DelayTestOptions, OutboundsView, ProxyProviderView, ProxyProvidersView } from '../deps.js';
import { notFound } from '../http-errors.js';
import { isGroup, toApiProxy } from '../proxy-view.js';

export interface ProviderRouteHelpers {
  parseDelayQuery(q: unknown, fallbackUrl: string): DelayTestOptions;
  delayOf(view: OutboundsView, name: string, opts: DelayTestOptions): Promise<number>;
}

const DEFAULT = 'default';

function apiProxies(view: OutboundsView, names: readonly string[]): ApiProxy[] {
  return names.map((n) => view.get(n)).filter((o): o is Outbound => o !== undefined).map((o) => toApiProxy(o, view));
}

function toApi(view: OutboundsView, p: ProxyProviderView): ApiProxyProvider {
  const out: ApiProxyProvider = {
    name: p.name,
    type: 'Proxy',
    vehicleType: p.vehicleType,
    proxies: apiProxies(view, p.proxies),
    testUrl: p.testUrl,
    expectedStatus: p.expectedStatus,
  };
  if (p.updatedAt) out.updatedAt = p.updatedAt;
  if (p.subscriptionInfo) out.subscriptionInfo = p.subscriptionInfo;
  return out;
}

/** Registers the /providers/proxies routes on `app` (called by proxiesRoutes). */
export function registerProxyProviderRoutes(app: App, view: OutboundsView, providers: ProxyProvidersView | undefined, h: ProviderRouteHelpers): void {
  const defaultProvider = (): ApiProxyProvider => {
    // Provider proxies belong to their provider, not to `default`.
    const providerNames = new Set<string>();
    for (const p of providers?.list() ?? []) for (const n of p.proxies) providerNames.add(n);
    return {
      name: DEFAULT,
      type: 'Proxy',
      vehicleType: 'Compatible',
      proxies: view.all().filter((o) => !isGroup(o) && !providerNames.has(o.name)).map((o) => toApiProxy(o, view)),
      testUrl: '',
      expectedStatus: '*',
    };
  };
  const find = (name: string): ProxyProviderView | undefined => providers?.list().find((p) => p.name === name);
  const named = (req: Request): ApiProxyProvider => {
    const name = (req.params as { provider: string }).provider;
    if (name === DEFAULT) return defaultProvider();
    const p = find(name);
    if (!p) throw notFound('proxy provider', name);
    return toApi(view, p);
  };

  app.get('/providers/proxies', async () => {
    const out: Record<string, ApiProxyProvider> = { [DEFAULT]: defaultProvider() };
    for (const p of providers?.list() ?? []) out[p.name] = toApi(view, p);
    return { providers: out };
  });
  app.get('/providers/proxies/:provider', async (req) => named(req));
  app.put('/providers/proxies/:provider', async (req, reply) => {
    const p = named(req);
    if (p.name !== DEFAULT && providers) {
      try {
        await providers.update(p.name);
      } catch (err) {
        // 503 with the reason; the provider keeps its last good list.
        throw new SyError('SY_ERR_API_PROVIDER_UPDATE', { where: p.name, detail: isSyError(err) ? err.message : undefined, cause: err });
      }
    }
    return reply.code(204).send();
  });
  app.get('/providers/proxies/:provider/healthcheck', async (req, reply) => {
    const p = named(req);
    const q = req.query as Record<string, unknown> | undefined;
    if (p.name !== DEFAULT && providers && !q?.url) {
      await providers.healthCheck(p.name);
      return reply.code(204).send();
    }
    const opts = h.parseDelayQuery(req.query, p.testUrl);
    await Promise.allSettled(p.proxies.map((m) => h.delayOf(view, m.name, opts)));
    return reply.code(204).send();
  });
  const member = (req: Request): Outbound => {
    const p = named(req);
    const name = (req.params as { name: string }).name;
    if (!p.proxies.some((x) => x.name === name)) throw notFound(`proxy of provider ${p.name}`, name);
    const o = view.get(name);
    if (!o) throw notFound('proxy', name);
    return o;
  };
  app.get('/providers/proxies/:provider/:name', async (req) => toApiProxy(member(req), view));
  app.get('/providers/proxies/:provider/:name/healthcheck', async (req) => {
    const o = member(req);
    return { delay: await h.delayOf(view, o.name, h.parseDelayQuery(req.query, '')) };
  });
}
