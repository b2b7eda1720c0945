// Metadata -> mihomo's wire form of a connection's metadata
// (`constant/metadata.go`): ports as strings, '' / null for the unknown.
import type { Metadata } from '../core/metadata.js';
import type { ApiConnectionMetadata } from '../controller/api-types.js';

/** The `metadata` object of a `/connections` entry. Pure. */
export function toApiMetadata(m: Metadata): ApiConnectionMetadata {
  return {
    network: m.network,
    type: m.type,
    sourceIP: m.srcIP,
    destinationIP: m.dstIP,
    sourceGeoIP: null,
    destinationGeoIP: null,
    sourceIPASN: '',
    destinationIPASN: '',
    sourcePort: portString(m.srcPort),
    destinationPort: portString(m.dstPort),
    inboundIP: m.inboundIP,
    inboundPort: portString(m.inboundPort),
    inboundName: m.inboundName,
    inboundUser: m.inboundUser,
    host: m.host,
    dnsMode: m.dnsMode,
    uid: m.uid ?? 0,
    process: m.process ?? '',
    processPath: m.processPath ?? '',
    specialProxy: '',
    specialRules: '',
    remoteDestination: m.remoteDestination ?? '',
    dscp: m.dscp ?? 0,
    sniffHost: m.sniffHost,
  };
}

/** mihomo quotes ports; an unknown port is "0". */
function portString(p: number): string {
  return Number.isInteger(p) && p >= 0 ? String(p) : '0';
}
