// /traffic, /memory and /logs: streams (WebSocket on upgrade, otherwise
// chunked NDJSON). /logs filters by `?level=` (default info) and answers
// mihomo's `{type,payload}` or, with `?format=structured`, `{time,level,message,fields}`.
import type { RoutePlugin } from '../http/types.js';
import { levelRank, type LogLevel, type LogRecord } from '../../core/logger.js';
import type { ApiLog, ApiLogStructured } from '../api-types.js';
import type { ControllerDeps } from '../deps.js';
import { badQuery } from '../http-errors.js';
import { streamRoute } from '../stream.js';
import { queryString } from '../validate.js';
import type { RouteContext } from './context.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'silent'];

export function parseLogQuery(q: unknown): { level: LogLevel; structured: boolean } {
  let level = (queryString(q, 'level') || 'info').toLowerCase();
  if (level === 'warn') level = 'warning';
  if (!(LEVELS as readonly string[]).includes(level)) throw badQuery('query level', level, LEVELS.join(', '));
  const format = queryString(q, 'format') ?? '';
  if (format !== '' && format !== 'structured' && format !== 'text') throw badQuery('query format', format, "'structured' or nothing");
  return { level: level as LogLevel, structured: format === 'structured' };
}

function fieldText(v: unknown): string {
  if (v instanceof Error) return v.message;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function toApiLog(r: LogRecord): ApiLog {
  const extra = Object.entries(r.fields).map(([k, v]) => `${k}=${fieldText(v)}`);
  return { type: r.level, payload: extra.length ? `${r.msg} ${extra.join(' ')}` : r.msg };
}

export function toApiLogStructured(r: LogRecord): ApiLogStructured {
  return {
    time: new Date(r.time).toISOString(),
    level: r.level,
    message: r.msg,
    fields: Object.entries(r.fields).map(([key, v]) => ({ key, value: fieldText(v) })),
  };
}

export function streamsRoutes(deps: Pick<ControllerDeps, 'traffic' | 'memory' | 'logs'>, ctx: RouteContext): RoutePlugin {
  return (app, _opts, done) => {
    streamRoute(app, '/traffic', ctx.streams, (sink) => deps.traffic.subscribe((f) => sink.send(f)));
    streamRoute(app, '/memory', ctx.streams, (sink) => deps.memory.subscribe((f) => sink.send(f)));
    // Validate before the stream opens so bad queries get a 400, not an empty stream.
    app.addHook('preValidation', async (req) => {
      if (req.routeOptions.url === '/logs') parseLogQuery(req.query);
    });
    streamRoute(app, '/logs', ctx.streams, (sink, req) => {
      const { level, structured } = parseLogQuery(req.query);
      const min = levelRank(level);
      return deps.logs.subscribe((r) => {
        if (levelRank(r.level) >= min) sink.send(structured ? toApiLogStructured(r) : toApiLog(r));
      });
    });
    done();
  };
}
