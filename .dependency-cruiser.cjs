// Import boundaries of design.md §3: a folder imports only the layers below it
// (`import type` from main/core is always allowed, as is any import of core).
const layer = (from, allowed) => ({
  name: `layer-${from}`,
  comment: `main/${from}/ may import only: ${allowed.join(', ') || 'nothing in main/'} (design.md §3)`,
  severity: 'error',
  from: { path: `^main/${from}/` },
  to: {
    path: '^main/',
    pathNot: [`^main/${from}/`, '^main/core/', ...allowed.map((a) => `^main/${a}`)],
    dependencyTypesNot: ['type-only'],
  },
});

module.exports = {
  forbidden: [
    {
      name: 'core-is-contracts',
      comment: 'main/core/ imports nothing else in main/',
      severity: 'error',
      from: { path: '^main/core/' },
      to: { path: '^main/', pathNot: '^main/core/' },
    },
    layer('config', []),
    layer('fetch', []),
    layer('sniff', []),
    layer('geodata', ['config/']),
    layer('rules', ['config/', 'geodata/']),
    layer('providers', ['config/', 'rules/', 'geodata/', 'fetch/']),
    layer('profiles', ['config/', 'rules/', 'providers/']),
    layer('dns', ['config/', 'native/']),
    layer('capture', ['config/']),
    layer('outbound', ['config/', 'native/']),
    layer('proxy-providers', ['config/', 'outbound/', 'fetch/']),
    layer('inbound', ['sniff/', 'native/', 'config/']),
    layer('stats', []),
    layer('tunnel', ['rules/', 'outbound/', 'dns/', 'stats/', 'sniff/', 'config/']),
    layer('controller', ['stats/', 'config/']),
    {
      name: 'electron-thin',
      comment: 'main/electron/ uses core and controller/api-types, types only',
      severity: 'error',
      from: { path: '^main/electron/' },
      to: { path: '^main/', pathNot: ['^main/electron/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-talks-api-only',
      comment: 'renderer/ imports only main/controller/api-types.ts, types only',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^main/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^main/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
