// Error -> HTTP answer. Every error leaves the controller as JSON
// `{"message", "code"?}` with mihomo's message stems (dashboards show them):
// 400 "Body invalid", 401 "Unauthorized", 404 "Resource not found",
// 504 "Timeout", 503 for failed provider updates / delay tests.
import { isSyError, SyError } from '../core/errors.js';
import type { ApiError } from './api-types.js';

export interface HttpError {
  status: number;
  body: ApiError;
}

const BY_CODE: Record<string, { status: number; stem: string }> = {
  SY_ERR_API_BAD_REQUEST: { status: 400, stem: 'Body invalid' },
  SY_ERR_API_BAD_QUERY: { status: 400, stem: 'Query invalid' },
  SY_ERR_API_UNAUTHORIZED: { status: 401, stem: 'Unauthorized' },
  SY_ERR_API_FORBIDDEN_HOST: { status: 403, stem: 'Forbidden' },
  SY_ERR_API_NOT_FOUND: { status: 404, stem: 'Resource not found' },
  SY_ERR_API_NOT_SELECTOR: { status: 400, stem: 'Must be a Selector' },
  SY_ERR_API_DELAY_TIMEOUT: { status: 504, stem: 'Timeout' },
  SY_ERR_API_DELAY_FAILED: { status: 503, stem: 'An error occurred in the delay test' },
  SY_ERR_API_PROVIDER_UPDATE: { status: 503, stem: 'Provider update failed' },
  SY_ERR_API_RELOAD_FAILED: { status: 400, stem: 'Config invalid' },
  SY_ERR_API_TOO_LARGE: { status: 413, stem: 'Body too large' },
  SY_ERR_API_UNAVAILABLE: { status: 501, stem: 'Not implemented' },
};

/** Maps any thrown value to a status and body; `internal` is true for 5xx we did not mean. */
export function toHttpError(err: unknown): HttpError & { internal: boolean } {
  if (isSyError(err)) {
    const known = BY_CODE[err.code];
    if (known) {
      // 401 is exactly mihomo's `{"message":"Unauthorized"}`: dashboards test for it.
      const message = err.code === 'SY_ERR_API_UNAUTHORIZED' ? known.stem : withDetail(known.stem, err);
      return { status: known.status, body: { message, code: err.code }, internal: false };
    }
    // Codes from other areas: not-found and timeouts keep their meaning; the rest is bad input.
    if (err.code.endsWith('_NOT_FOUND')) return { status: 404, body: { message: withDetail('Resource not found', err), code: err.code }, internal: false };
    if (err.code.endsWith('_TIMEOUT')) return { status: 504, body: { message: withDetail('Timeout', err), code: err.code }, internal: false };
    // An upstream that failed (DNS server, dial) is not the client's fault.
    if (/_(RESOLVE|DIAL)$/.test(err.code)) return { status: 502, body: { message: withDetail('Upstream failed', err), code: err.code }, internal: false };
    return { status: 400, body: { message: err.message, code: err.code }, internal: false };
  }
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Errors carrying an HTTP status (e.g. from node's HTTP layer): client errors stay client errors.
    const code = status === 413 ? 'SY_ERR_API_TOO_LARGE' : 'SY_ERR_API_BAD_REQUEST';
    const stem = status === 413 ? 'Body too large' : 'Body invalid';
    const detail = typeof e?.message === 'string' ? e.message : '';
    return { status, body: { message: detail ? `${stem}: ${detail}` : stem, code }, internal: false };
  }
  return { status: 500, body: { message: 'Internal error' }, internal: true };
}

function withDetail(stem: string, err: SyError): string {
  return `${stem}: ${err.message}`;
}

/** Shorthands for route code. */
export const badRequest = (where: string, value: unknown, expected: string) =>
  new SyError('SY_ERR_API_BAD_REQUEST', { where, value, expected });
export const badQuery = (where: string, value: unknown, expected: string) =>
  new SyError('SY_ERR_API_BAD_QUERY', { where, value, expected });
export const notFound = (where: string, value: unknown) => new SyError('SY_ERR_API_NOT_FOUND', { where, value });
