// GET /rules (with index and hit counts) and PATCH /rules/disable, plus
// /providers/rules (status) and PUT /providers/rules/:name (update now).
import type { RoutePlugin } from '../http/types.js';
import { SyError, isSyError } from '../../core/errors.js';
import type { ApiRule, ApiRuleProvider } from '../api-types.js';
import type { ControllerDeps, RuleProviderView } from '../deps.js';
import { badRequest, notFound } from '../http-errors.js';
import { bodyObject } from '../validate.js';

/** Go's zero time, which mihomo sends for "never". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export function rfc3339(ms: number): string {
  return ms > 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : ZERO_TIME;
}

export function listRules(deps: Pick<ControllerDeps, 'rules'>): ApiRule[] {
  const engine = deps.rules();
  return engine.rules.map((r) => {
    const s = engine.stats(r.index);
    return {
      index: r.index,
      type: r.apiType,
      payload: r.payload,
      proxy: r.target,
      size: r.size,
      extra: {
        disabled: s.disabled,
        hitCount: s.hitCount,
        hitAt: rfc3339(s.hitAt),
        missCount: s.missCount,
        missAt: rfc3339(s.missAt),
        ...(r.inactive ? { inactive: r.inactive } : {}),
      },
    };
  });
}

/** `{"0":true,"3":false}`: every key an existing index, every value a boolean; all checked before any change. */
export function parseDisable(body: unknown, ruleCount: number): [number, boolean][] {
  const o = bodyObject(body, 'PATCH /rules/disable');
  const out: [number, boolean][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (!/^\d{1,9}$/.test(k) || Number(k) >= ruleCount) throw badRequest('PATCH /rules/disable', k, `a rule index in 0..${ruleCount - 1}`);
    if (typeof v !== 'boolean') throw badRequest(`PATCH /rules/disable.${k}`, v, 'true or false');
    out.push([Number(k), v]);
  }
  return out;
}

const BEHAVIOR = { domain: 'Domain', ipcidr: 'IPCIDR', classical: 'Classical' } as const;
const FORMAT = { yaml: 'YamlRule', text: 'TextRule', mrs: 'MrsRule' } as const;

export function toApiRuleProvider(p: RuleProviderView): ApiRuleProvider {
  const out: ApiRuleProvider = {
    name: p.name,
    type: 'Rule',
    behavior: BEHAVIOR[p.behavior],
    format: FORMAT[p.format],
    vehicleType: p.vehicleType,
    ruleCount: p.ruleCount,
    updatedAt: rfc3339(p.updatedAt),
    lastError: p.lastError,
  };
  if (p.url !== undefined) out.url = p.url;
  if (p.interval !== undefined) out.interval = p.interval;
  if (p.payload !== undefined) out.payload = [...p.payload];
  return out;
}

export function rulesRoutes(deps: Pick<ControllerDeps, 'rules' | 'ruleProviders'>): RoutePlugin {
  return (app, _opts, done) => {
    app.get('/rules', async () => ({ rules: listRules(deps) }));
    app.patch('/rules/disable', async (req, reply) => {
      const engine = deps.rules();
      for (const [i, d] of parseDisable(req.body, engine.rules.length)) engine.setDisabled(i, d);
      return reply.code(204).send();
    });
    app.get('/providers/rules', async () => {
      const providers: Record<string, ApiRuleProvider> = {};
      for (const p of deps.ruleProviders.list()) providers[p.name] = toApiRuleProvider(p);
      return { providers };
    });
    app.get('/providers/rules/:name', async (req) => {
      const name = (req.params as { name: string }).name;
      const p = deps.ruleProviders.list().find((x) => x.name === name);
      if (!p) throw notFound('rule provider', name);
      return toApiRuleProvider(p);
    });
    app.put('/providers/rules/:name', async (req, reply) => {
      const name = (req.params as { name: string }).name;
      if (!deps.ruleProviders.list().some((x) => x.name === name)) throw notFound('rule provider', name);
      try {
        await deps.ruleProviders.update(name);
      } catch (err) {
        // 503 with the reason; the provider keeps its last good set.
        throw new SyError('SY_ERR_API_PROVIDER_UPDATE', { where: name, detail: isSyError(err) ? err.code : undefined, cause: err });
      }
      return reply.code(204).send();
    });
    done();
  };
}
