// The geodata a generation of rules compiles against, opened once and shared
// by the top-level rules and classical rule sets (GEOSITE / IP-ASN lines in a
// provider use the same data as top-level rules). Data the rules name is
// opened now, so a malformed file fails the load located; data only rule
// sets might use is opened on first use. Missing data is null: those rules
// load inactive with the hint.
import type { Config } from '../config/types.js';
import { SyError, isSyError } from '../core/errors.js';
import { findGeoSite, geoSiteHint, LazyGeoSite, needsAsnData, needsGeoSite, openGeoSite } from './files.js';
import type { GeoSiteDb } from './geosite.js';
import { asnHint, findAsn, lazyAsn, openAsnFile, type AsnLookup } from './asn-file.js';

export interface GeoData {
  readonly geosite: GeoSiteDb | LazyGeoSite | null;
  readonly geositeHint: string;
  readonly asn: AsnLookup | null;
  readonly asnHint: string;
  /** Malformed data the rules need (located); the caller decides whether that is fatal. */
  readonly errors: readonly SyError[];
  /** Which files those errors are about (the running core downloads them again). */
  readonly bad: { readonly geosite: boolean; readonly asn: boolean };
}

export function openGeoData(config: Config, onLazyError: (e: SyError) => void = () => {}): GeoData {
  const errors: SyError[] = [];
  const bad = { geosite: false, asn: false };
  let geosite: GeoSiteDb | LazyGeoSite | null = null;
  const gsPath = findGeoSite(config.file, config.home);
  if (gsPath) {
    if (needsGeoSite(config)) {
      try {
        geosite = openGeoSite(config.file, config.home);
      } catch (e) {
        errors.push(isSyError(e) ? e : new SyError('SY_ERR_RULE_GEOSITE_DATA', { where: gsPath, cause: e }));
        bad.geosite = true;
      }
    } else geosite = new LazyGeoSite(gsPath);
  }
  let asn: AsnLookup | null = null;
  const asnPath = findAsn(config.home);
  if (asnPath) {
    if (needsAsnData(config)) {
      try {
        asn = openAsnFile(asnPath);
      } catch (e) {
        errors.push(isSyError(e) ? e : new SyError('SY_ERR_RULE_ASN_DB', { where: asnPath, cause: e }));
        bad.asn = true;
      }
    } else asn = lazyAsn(asnPath, onLazyError);
  }
  return { geosite, geositeHint: geoSiteHint(config.file, config.home), asn, asnHint: asnHint(config.home, config.file), errors, bad };
}
