// GET / and GET /version: what dashboards probe first (401 = bad secret).
import type { RoutePlugin } from '../http/types.js';
import type { ApiVersion } from '../api-types.js';
import type { ControllerDeps } from '../deps.js';

export function basicRoutes(deps: Pick<ControllerDeps, 'version'>): RoutePlugin {
  return (app, _opts, done) => {
    app.get('/', async () => ({ hello: 'switchyard' }));
    // `meta: true` makes dashboards use their mihomo (Clash.Meta) feature set.
    app.get('/version', async (): Promise<ApiVersion> => ({ meta: true, version: `switchyard v${deps.version}` }));
    done();
  };
}
