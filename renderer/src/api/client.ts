// The controller's REST API, typed by the wire types. Errors become ApiFailure
// with the server's `{code, message}` (or a client-side code), so pages can
// show the code. 401 is marked so the app shows the login form.
import type {
  ApiConfigEditOp, ApiConfigRaw, ApiProfile, ApiProfileOverride, ApiProfiles,
  ApiConfigs, ApiConnections, ApiClosedConnection, ApiMatchResult, ApiProxies, ApiRuleProviders, ApiRules, ApiVersion,
} from '../../../main/controller/api-types.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface MatchQuery {
  host?: string;
  ip?: string;
  port?: string;
  network?: 'tcp' | 'udp';
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly secret: string,
    private readonly timeoutMs = 10000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.secret) headers.Authorization = `Bearer ${this.secret}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ApiFailure(0, 'NETWORK', e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const j = (json ?? {}) as { code?: string; message?: string };
      throw new ApiFailure(res.status, j.code ?? `HTTP_${res.status}`, j.message ?? (text.slice(0, 200) || res.statusText));
    }
    return json as T;
  }

  version = () => this.call<ApiVersion>('GET', '/version');
  configs = () => this.call<ApiConfigs>('GET', '/configs');
  patchConfigs = (body: Record<string, unknown>) => this.call<void>('PATCH', '/configs', body);
  proxies = () => this.call<ApiProxies>('GET', '/proxies');
  selectProxy = (group: string, name: string) => this.call<void>('PUT', `/proxies/${encodeURIComponent(group)}`, { name });
  delay = (name: string, url: string, timeoutMs: number) =>
    this.call<{ delay: number }>('GET', `/proxies/${encodeURIComponent(name)}/delay?url=${encodeURIComponent(url)}&timeout=${timeoutMs}`);
  rules = () => this.call<ApiRules>('GET', '/rules');
  /** mihomo's `PATCH /rules/disable`: `{index: disabled}`. */
  setRulesDisabled = (changes: Record<number, boolean>) => this.call<void>('PATCH', '/rules/disable', changes);
  match = (q: MatchQuery) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
    return this.call<ApiMatchResult>('GET', `/match?${p.toString()}`);
  };
  ruleProviders = () => this.call<ApiRuleProviders>('GET', '/providers/rules');
  updateRuleProvider = (name: string) => this.call<void>('PUT', `/providers/rules/${encodeURIComponent(name)}`);
  connections = () => this.call<ApiConnections>('GET', '/connections');
  closedConnections = () => this.call<ApiClosedConnection[] | { connections: ApiClosedConnection[] }>('GET', '/connections/closed');
  closeConnection = (id: string) => this.call<void>('DELETE', `/connections/${encodeURIComponent(id)}`);
  closeAllConnections = () => this.call<void>('DELETE', '/connections');
  /** switchyard's own: the running config file (GET /configs/raw). */
  configRaw = () => this.call<ApiConfigRaw>('GET', '/configs/raw');
  /** Edits written back to the config file (or the active profile's override); a bad edit changes nothing. */
  editConfig = (ops: ApiConfigEditOp[]) => this.call<ApiConfigRaw>('POST', '/configs/edit', { ops });
  profiles = () => this.call<ApiProfiles>('GET', '/profiles');
  addProfile = (body: { url?: string; payload?: string; name?: string; interval?: number }) => this.call<ApiProfile>('POST', '/profiles', body);
  updateProfile = (id: string) => this.call<ApiProfile>('PUT', `/profiles/${encodeURIComponent(id)}`);
  patchProfile = (id: string, body: { name?: string; interval?: number }) => this.call<ApiProfile>('PATCH', `/profiles/${encodeURIComponent(id)}`, body);
  activateProfile = (id: string) => this.call<ApiProfile>('POST', `/profiles/${encodeURIComponent(id)}/activate`);
  removeProfile = (id: string) => this.call<void>('DELETE', `/profiles/${encodeURIComponent(id)}`);
  profileOverride = (id: string) => this.call<ApiProfileOverride>('GET', `/profiles/${encodeURIComponent(id)}/override`);
  putProfileOverride = (id: string, payload: string) => this.call<ApiProfile>('PUT', `/profiles/${encodeURIComponent(id)}/override`, { payload });
}
