// The ProfileManager seen through the controller's ProfilesView (wire types
// of api-types.ts). The engine wires it in main/engine/controller-deps.ts.
import type { ApiProfile } from '../controller/api-types.js';
import type { ProfilesView } from '../controller/deps.js';
import type { ProfileManager } from './manager.js';
import type { ProfileView } from './types.js';

export function toApiProfile(p: ProfileView): ApiProfile {
  return {
    id: p.id,
    name: p.name,
    type: p.source.type,
    url: p.source.type === 'url' ? p.source.url : '',
    path: p.source.type === 'file' ? p.source.path : '',
    interval: p.interval,
    updated: p.updatedAt,
    active: p.active,
    override: p.hasOverride,
    userinfo: p.userinfo,
    error: p.lastError,
    failures: p.failures,
  };
}

export function profilesView(pm: ProfileManager): ProfilesView {
  return {
    async list() {
      const all = await pm.list();
      return { profiles: all.map(toApiProfile), active: all.find((p) => p.active)?.id ?? '' };
    },
    add: async (req) => toApiProfile(await pm.add(req)),
    update: async (id) => toApiProfile(await pm.update(id)),
    patch: async (id, p) => toApiProfile(await pm.patch(id, p)),
    activate: async (id) => toApiProfile(await pm.activate(id)),
    remove: (id) => pm.remove(id),
    getOverride: (id) => pm.getOverride(id),
    putOverride: async (id, text) => toApiProfile(await pm.putOverride(id, text)),
  };
}
