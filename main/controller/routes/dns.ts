// POST /cache/fakeip/flush, POST /cache/dns/flush, GET /dns/query?name=&type=.
import type { RoutePlugin } from '../http/types.js';
import { normalizeHost } from '../../core/address.js';
import type { ControllerDeps } from '../deps.js';
import { badQuery } from '../http-errors.js';
import { queryString } from '../validate.js';

/** Query types by name (RFC 1035 and successors). */
const QTYPES: Record<string, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, DS: 43, DNSKEY: 48, SVCB: 64, HTTPS: 65, CAA: 257, ANY: 255,
};

export function parseDnsQuery(q: unknown): { name: string; qtype: number } {
  const raw = queryString(q, 'name') ?? '';
  const name = raw.length <= 253 ? normalizeHost(raw) : '';
  if (!name || !/^[a-z0-9_.-]+$/.test(name)) throw badQuery('query name', raw, 'a domain name');
  const t = (queryString(q, 'type') || 'A').toUpperCase();
  const qtype = /^\d{1,5}$/.test(t) ? Number(t) : QTYPES[t];
  if (qtype === undefined || qtype < 1 || qtype > 65535) throw badQuery('query type', t, `one of ${Object.keys(QTYPES).join(', ')} or a number`);
  return { name, qtype };
}

export function dnsRoutes(deps: Pick<ControllerDeps, 'dns'>): RoutePlugin {
  return (app, _opts, done) => {
    app.post('/cache/fakeip/flush', async (_req, reply) => {
      deps.dns.flushFakeIp();
      return reply.code(204).send();
    });
    app.post('/cache/dns/flush', async (_req, reply) => {
      deps.dns.flushCache();
      return reply.code(204).send();
    });
    app.get('/dns/query', async (req) => {
      const { name, qtype } = parseDnsQuery(req.query);
      return deps.dns.query(name, qtype);
    });
    done();
  };
}
