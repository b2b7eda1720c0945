// GET /match?host=&ip=&port=&network=&src=&srcPort= (switchyard's own): where
// would this connection go? Answers ApiMatchResult; the decision is the
// running engine's, including the current mode.
import type { RoutePlugin } from '../http/types.js';
import { normalizeHost, normalizeIp } from '../../core/address.js';
import type { ControllerDeps, MatchQuery } from '../deps.js';
import { badQuery } from '../http-errors.js';
import { queryInt, queryString } from '../validate.js';

export function parseMatchQuery(q: unknown): MatchQuery {
  const hostRaw = queryString(q, 'host') ?? '';
  const host = hostRaw && hostRaw.length <= 253 ? normalizeHost(hostRaw) : '';
  if (hostRaw && !host) throw badQuery('query host', hostRaw, 'a domain name');
  const ip = parseIp(q, 'ip');
  if (!host && !ip) throw badQuery('query host', hostRaw, 'a host or an ip');
  const network = (queryString(q, 'network') || 'tcp').toLowerCase();
  if (network !== 'tcp' && network !== 'udp') throw badQuery('query network', network, 'tcp or udp');
  return {
    host,
    ip,
    port: queryInt(q, 'port', 443, 0, 65535),
    network,
    src: parseIp(q, 'src'),
    srcPort: queryInt(q, 'srcPort', 0, 0, 65535),
  };
}

function parseIp(q: unknown, key: string): string {
  const raw = queryString(q, key) ?? '';
  if (!raw) return '';
  const ip = normalizeIp(raw);
  if (!ip) throw badQuery(`query ${key}`, raw, 'an IPv4 or IPv6 address');
  return ip;
}

export function matchRoutes(deps: Pick<ControllerDeps, 'match'>): RoutePlugin {
  return (app, _opts, done) => {
    app.get('/match', async (req) => deps.match(parseMatchQuery(req.query)));
    done();
  };
}
