// The shell's controller client: the few calls the tray needs, typed by the
// wire types. `fetch` is passed in (tests use a real local HTTP server).
import type { ApiConfigs, ApiRuleProviders, ApiVersion } from '../controller/api-types.js';
import { ShellError } from './errors.js';

export interface CoreClientOptions {
  /** http://host:port of external-controller */
  baseUrl: string;
  secret: string;
  fetch?: typeof fetch;
  /** per-request deadline, ms (default 5000) */
  timeoutMs?: number;
}

export interface CoreClient {
  readonly baseUrl: string;
  version(): Promise<ApiVersion>;
  configs(): Promise<ApiConfigs>;
  patchConfigs(body: Record<string, unknown>): Promise<void>;
  closeAllConnections(): Promise<void>;
  /** PUT /providers/rules/:name for every provider; resolves to the names that failed (with their messages). */
  updateAllRuleProviders(): Promise<{ name: string; error: string }[]>;
}

/** Parses `http://host:port` (or `host:port`) and refuses anything that is not a plain http(s) origin. */
export function normalizeBaseUrl(input: string): string {
  const raw = /^[a-z]+:\/\//i.test(input) ? input : `http://${input}`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch (cause) {
    throw new ShellError('SY_ERR_APP_BAD_OPTION', 'controller address is not a URL', { detail: JSON.stringify(input), cause });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ShellError('SY_ERR_APP_BAD_OPTION', 'controller address must be http or https', { detail: JSON.stringify(input) });
  }
  return u.origin;
}

export function createCoreClient(opts: CoreClientOptions): CoreClient {
  const baseUrl = normalizeBaseUrl(opts.baseUrl);
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (opts.secret) headers.authorization = `Bearer ${opts.secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new ShellError('SY_ERR_APP_CONTROLLER_UNREACHABLE', 'cannot reach the controller API', {
        where: `${method} ${baseUrl}${path}`,
        detail: cause instanceof Error ? cause.message : String(cause),
        hint: 'is the core running? (`switchyard run`)',
        cause,
      });
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403) {
      throw new ShellError('SY_ERR_APP_CONTROLLER_AUTH', 'the controller rejected the secret', {
        where: `${method} ${path}`,
        hint: 'check `secret` in the config',
      });
    }
    if (!res.ok) {
      throw new ShellError('SY_ERR_APP_CONTROLLER_ANSWER', 'the controller answered with an error', {
        where: `${method} ${path} -> ${res.status}`,
        detail: errorMessageOf(text),
      });
    }
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new ShellError('SY_ERR_APP_CONTROLLER_ANSWER', 'the controller answered with invalid JSON', {
        where: `${method} ${path}`,
        cause,
      });
    }
  }

  return {
    baseUrl,
    version: () => call<ApiVersion>('GET', '/version'),
    configs: () => call<ApiConfigs>('GET', '/configs'),
    patchConfigs: (body) => call<void>('PATCH', '/configs', body),
    closeAllConnections: () => call<void>('DELETE', '/connections'),
    async updateAllRuleProviders() {
      const { providers } = await call<ApiRuleProviders>('GET', '/providers/rules');
      const failed: { name: string; error: string }[] = [];
      for (const p of Object.values(providers)) {
        if (p.vehicleType !== 'HTTP') continue;
        try {
          await call<void>('PUT', `/providers/rules/${encodeURIComponent(p.name)}`);
        } catch (e) {
          failed.push({ name: p.name, error: e instanceof Error ? e.message : String(e) });
        }
      }
      return failed;
    },
  };
}

/** `{code, message}` bodies become `CODE: message`; anything else is shown trimmed. */
function errorMessageOf(text: string): string {
  try {
    const j = JSON.parse(text) as { code?: string; message?: string };
    if (j && typeof j.message === 'string') return j.code ? `${j.code}: ${j.message}` : j.message;
  } catch {
    /* not JSON */
  }
  return text.slice(0, 200);
}
