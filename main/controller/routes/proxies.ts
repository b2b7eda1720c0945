// /proxies, /group (and /providers/proxies via providers-proxies.ts): outbounds and groups in mihomo's
// Proxy shape, selection, pin clearing and delay tests. Path names arrive
// URL-decoded (dashboards call encodeURIComponent).
import type { RoutePlugin, Request } from '../http/types.js';
import { SyError, isSyError } from '../../core/errors.js';
import type { Outbound, OutboundGroup } from '../../core/outbound.js';
import type { ApiProxy } from '../api-types.js';
import { registerProxyProviderRoutes } from './providers-proxies.js';
import type { ControllerDeps, DelayTestOptions, OutboundsView } from '../deps.js';
import { badQuery, badRequest, notFound } from '../http-errors.js';
import { isGroup, toApiProxy } from '../proxy-view.js';
import { bodyObject, optString, queryInt, queryString } from '../validate.js';

const DEFAULT_TEST_URL = 'https://www.gstatic.com/generate_204';
const MAX_TIMEOUT_MS = 60_000;
/** How long past the asked timeout we wait for the engine before answering 504 ourselves. */
const GRACE_MS = 1000;

function named(view: OutboundsView, req: Request): Outbound {
  const name = (req.params as { name: string }).name;
  const o = view.get(name);
  if (!o) throw notFound('proxy', name);
  return o;
}

function groupNamed(view: OutboundsView, req: Request): OutboundGroup {
  const o = named(view, req);
  if (!isGroup(o)) throw notFound('group', o.name);
  return o;
}

/** `?url=&timeout=&expected=` of a delay request. */
export function parseDelayQuery(q: unknown, fallbackUrl: string): DelayTestOptions {
  const url = queryString(q, 'url') || fallbackUrl || DEFAULT_TEST_URL;
  if (!/^https?:\/\/[^\s]+$/i.test(url) || url.length > 2048) throw badQuery('query url', url, 'an http(s) URL');
  const timeoutMs = queryInt(q, 'timeout', 5000, 1, MAX_TIMEOUT_MS);
  const expected = queryString(q, 'expected') ?? '';
  if (!/^[\d*/\-]{0,64}$/.test(expected)) throw badQuery('query expected', expected, "status codes like '200', '200/204' or '200-299'");
  return { url, timeoutMs, expected };
}

/** One delay test with our own deadline; failures become coded errors (504 timeout, 503 other). */
async function delayOf(view: OutboundsView, name: string, opts: DelayTestOptions): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SyError('SY_ERR_API_DELAY_TIMEOUT', { where: name })), opts.timeoutMs + GRACE_MS);
  });
  try {
    const ms = await Promise.race([view.testDelay(name, opts), deadline]);
    if (!Number.isFinite(ms) || ms <= 0) throw new SyError('SY_ERR_API_DELAY_FAILED', { where: name, value: ms });
    return Math.round(ms);
  } catch (err) {
    if (isSyError(err) && (err.code.endsWith('_TIMEOUT') || err.code === 'SY_ERR_API_DELAY_FAILED')) throw err;
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
      throw new SyError('SY_ERR_API_DELAY_TIMEOUT', { where: name, cause: err });
    throw new SyError('SY_ERR_API_DELAY_FAILED', { where: name, cause: err });
  } finally {
    clearTimeout(timer);
  }
}

export function proxiesRoutes(deps: Pick<ControllerDeps, 'outbounds' | 'proxyProviders'>): RoutePlugin {
  const view = deps.outbounds;
  return (app, _opts, done) => {
    app.get('/proxies', async () => {
      const proxies: Record<string, ApiProxy> = {};
      for (const o of view.all()) proxies[o.name] = toApiProxy(o, view);
      return { proxies };
    });
    app.get('/proxies/:name', async (req) => toApiProxy(named(view, req), view));
    app.put('/proxies/:name', async (req, reply) => {
      const o = named(view, req);
      const member = optString(bodyObject(req.body, `PUT /proxies/${o.name}`), 'name', `PUT /proxies/${o.name}`, 1024);
      if (member === undefined) throw badRequest(`PUT /proxies/${o.name}.name`, undefined, 'the member to select');
      if (!isGroup(o) || o.type !== 'Selector') throw new SyError('SY_ERR_API_NOT_SELECTOR', { where: o.name, value: o.type });
      if (!o.members.includes(member)) throw notFound(`member of ${o.name}`, member);
      view.select(o.name, member);
      return reply.code(204).send();
    });
    app.delete('/proxies/:name', async (req, reply) => {
      const o = named(view, req);
      if (!isGroup(o)) throw new SyError('SY_ERR_API_NOT_SELECTOR', { where: o.name, value: o.type, expected: 'a group' });
      view.unfix(o.name);
      return reply.code(204).send();
    });
    app.get('/proxies/:name/delay', async (req) => {
      const o = named(view, req);
      const opts = parseDelayQuery(req.query, view.details?.(o.name).testUrl ?? '');
      return { delay: await delayOf(view, o.name, opts) };
    });

    app.get('/group', async () => ({ proxies: view.all().filter(isGroup).map((o) => toApiProxy(o, view)) }));
    app.get('/group/:name', async (req) => toApiProxy(groupNamed(view, req), view));
    app.get('/group/:name/delay', async (req) => {
      const g = groupNamed(view, req);
      const opts = parseDelayQuery(req.query, view.details?.(g.name).testUrl ?? '');
      const results = await Promise.allSettled(g.members.map((m) => delayOf(view, m, opts)));
      const out: Record<string, number> = {};
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') out[g.members[i]!] = r.value;
      });
      return out;
    });

    registerProxyProviderRoutes(app, view, deps.proxyProviders, { parseDelayQuery, delayOf });
    done();
  };
}
