// v2ray/mihomo GeoSite data (`GeoSite.dat`): a `GeoSiteList` protobuf,
// decoded with protobufjs from a schema defined here. Categories are indexed
// on open (their bytes located with the library's Reader, names read with a
// one-field message) and decoded in full only when a rule uses them, so a
// large file costs little for a config that uses a few categories.
//
// Meaning (mihomo): Plain = keyword, Regex = regular expression, Domain = the
// name and its subdomains, Full = exactly the name. Category names are
// case-insensitive; `cat@attr` keeps domains carrying attribute `attr`,
// `cat@!attr` drops them; several filters all apply.
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import { SyError } from '../core/errors.js';

const SCHEMA = `
syntax = "proto3";
message Domain {
  enum Type { Plain = 0; Regex = 1; Domain = 2; Full = 3; }
  Type type = 1;
  string value = 2;
  message Attribute {
    string key = 1;
    oneof typed_value { bool bool_value = 2; int64 int_value = 3; }
  }
  repeated Attribute attribute = 3;
}
message GeoSite { string country_code = 1; repeated Domain domain = 2; }
message GeoSiteList { repeated GeoSite entry = 1; }
message GeoSiteName { string country_code = 1; }
`;

export interface GeoSiteTypes {
  readonly protobuf: typeof Protobuf;
  readonly GeoSiteList: Protobuf.Type;
  readonly GeoSite: Protobuf.Type;
  readonly GeoSiteName: Protobuf.Type;
}

/**
 * The protobuf types, built on first use: protobufjs is loaded only when
 * GeoSite data is read or written (about 1 MB of an idle core that has no
 * GEOSITE rule). Tests build .dat fixtures with GeoSiteList.encode.
 */
export const geoSiteTypes: () => GeoSiteTypes = (() => {
  let t: GeoSiteTypes | undefined; // a constant, computed once on demand
  return () => {
    if (t) return t;
    const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;
    const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
    t = { protobuf, GeoSiteList: root.lookupType('GeoSiteList'), GeoSite: root.lookupType('GeoSite'), GeoSiteName: root.lookupType('GeoSiteName') };
    return t;
  };
})();

export const DOMAIN_TYPE = { Plain: 0, Regex: 1, Domain: 2, Full: 3 } as const;

interface RawDomain {
  type?: number;
  value?: string;
  attribute?: { key?: string }[];
}

/** A category's entries, split into the engine's index kinds. */
export interface GeoSiteEntries {
  /** Full: exactly the name */
  readonly exact: string[];
  /** Domain: the name and its subdomains */
  readonly suffix: string[];
  /** Plain: substring of the host */
  readonly keyword: string[];
  /** Regex sources */
  readonly regex: string[];
}

export class GeoSiteDb {
  private readonly decoded = new Map<string, RawDomain[]>();
  /** Compiled categories, filled by the rules layer (one compile per spec). */
  readonly compiled = new Map<string, unknown>();

  /** @param index upper-case category → its GeoSite message bytes */
  constructor(private readonly index: ReadonlyMap<string, Uint8Array>, readonly source: string) {}

  get categories(): string[] {
    return [...this.index.keys()];
  }

  has(category: string): boolean {
    return this.index.has(category.split('@')[0]!.trim().toUpperCase());
  }

  /** `cat[@attr|@!attr…]` → entries. Throws SY_ERR_RULE_GEOSITE_CATEGORY (located at `where`) when absent. */
  category(spec: string, where: string): GeoSiteEntries {
    const [name0, ...attrs] = spec.split('@');
    const name = name0!.trim().toUpperCase();
    const domains = this.domains(name, spec, where);
    const want = attrs.map((a) => a.trim().toLowerCase()).filter((a) => a && !a.startsWith('!'));
    const drop = attrs.map((a) => a.trim().toLowerCase()).filter((a) => a.startsWith('!')).map((a) => a.slice(1));
    const out: GeoSiteEntries = { exact: [], suffix: [], keyword: [], regex: [] };
    for (const d of domains) {
      if (want.length || drop.length) {
        const keys = new Set((d.attribute ?? []).map((a) => (a.key ?? '').toLowerCase()));
        if (!want.every((k) => keys.has(k)) || drop.some((k) => keys.has(k))) continue;
      }
      const v = (d.value ?? '').trim();
      if (!v) continue;
      switch (d.type ?? 0) {
        case DOMAIN_TYPE.Plain:
          out.keyword.push(v.toLowerCase());
          break;
        case DOMAIN_TYPE.Regex:
          out.regex.push(v);
          break;
        case DOMAIN_TYPE.Domain:
          out.suffix.push(v.toLowerCase());
          break;
        case DOMAIN_TYPE.Full:
          out.exact.push(v.toLowerCase());
          break;
      }
    }
    return out;
  }

  /** Count of raw entries per type (for reports and tests). */
  stats(category: string): { total: number; plain: number; regex: number; domain: number; full: number } {
    const ds = this.domains(category.toUpperCase(), category, this.source);
    const n = (t: number) => ds.filter((d) => (d.type ?? 0) === t).length;
    return { total: ds.length, plain: n(0), regex: n(1), domain: n(2), full: n(3) };
  }

  private domains(name: string, spec: string, where: string): RawDomain[] {
    let ds = this.decoded.get(name);
    if (ds) return ds;
    const bytes = this.index.get(name);
    if (!bytes) {
      throw new SyError('SY_ERR_RULE_GEOSITE_CATEGORY', { where, value: spec, detail: `${this.source} has ${this.index.size} categories (e.g. ${[...this.index.keys()].slice(0, 5).join(', ')})` });
    }
    try {
      // The decoded message itself (no toObject copy): enums are numbers, unset fields read as defaults.
      ds = (geoSiteTypes().GeoSite.decode(bytes) as unknown as { domain?: RawDomain[] }).domain ?? [];
    } catch (e) {
      throw new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: this.source, value: name, detail: `category does not decode: ${e instanceof Error ? e.message : String(e)}` });
    }
    this.decoded.set(name, ds);
    return ds;
  }
}

/**
 * Indexes a GeoSiteList. Throws SY_ERR_RULE_GEOSITE_DATA (located at
 * `source` and the byte offset) for anything that is not one: truncated,
 * wrong wire types, empty, nameless categories.
 */
export function decodeGeoSite(data: Uint8Array, source: string): GeoSiteDb {
  const index = new Map<string, Uint8Array>();
  const { protobuf, GeoSiteName } = geoSiteTypes();
  const r = protobuf.Reader.create(data);
  const bad = (detail: string): never => {
    throw new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: `${source} @${r.pos}`, detail });
  };
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 1 && wire === 2) {
        const len = r.uint32();
        const start = r.pos;
        if (start + len > r.len) bad(`truncated: a category needs ${len} bytes, ${r.len - start} left`);
        r.skip(len);
        const bytes = data.subarray(start, start + len);
        const name = String((GeoSiteName.decode(bytes) as unknown as { country_code?: string }).country_code ?? '').trim().toUpperCase();
        if (!name) bad('a category without a name (country_code)');
        index.set(name, bytes);
      } else if (field === 0 || wire > 5 || wire === 3 || wire === 4) {
        bad(`not a GeoSiteList (field ${field}, wire type ${wire})`);
      } else {
        r.skipType(wire);
      }
    }
  } catch (e) {
    if (e instanceof SyError) throw e;
    bad(`not a GeoSiteList: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (index.size === 0) bad('no categories');
  return new GeoSiteDb(index, source);
}

/** Encodes categories as a GeoSite.dat (tests, and `geo` tooling). */
export function encodeGeoSite(cats: Record<string, { type: number; value: string; attrs?: string[] }[]>): Buffer {
  const entry = Object.entries(cats).map(([country_code, ds]) => ({
    country_code,
    domain: ds.map((d) => ({ type: d.type, value: d.value, attribute: (d.attrs ?? []).map((key) => ({ key, bool_value: true })) })),
  }));
  const { GeoSiteList } = geoSiteTypes();
  return Buffer.from(GeoSiteList.encode(GeoSiteList.fromObject({ entry })).finish());
}
