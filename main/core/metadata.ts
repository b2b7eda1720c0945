// Connection metadata: what every stage knows about one connection or UDP flow.
export type Network = 'tcp' | 'udp';

/** Inbound types, spelled as mihomo's API spells them. */
export type InboundType = 'TProxy' | 'Socks5' | 'HTTP' | 'HTTPS' | 'Mixed' | 'Inner' | 'DNS';

export type DnsMode = 'normal' | 'fake-ip' | 'redir-host' | 'hosts';

export interface Metadata {
  network: Network;
  type: InboundType;
  /** Source address, normalised (no zone, IPv4-mapped unmapped). */
  srcIP: string;
  srcPort: number;
  /** Destination IP: the original destination under TPROXY, '' when only a host is known (or cleared for fake-ip). */
  dstIP: string;
  dstPort: number;
  /** Destination host: normalised (lower case, IDNA/punycode, no trailing dot); '' if unknown. */
  host: string;
  /** Host learnt by sniffing (TLS SNI, HTTP Host, QUIC); '' if none. Domain rules prefer it. */
  sniffHost: string;
  dnsMode: DnsMode;
  inboundName: string;
  inboundIP: string;
  inboundPort: number;
  inboundUser: string;
  /** Local traffic only, when known. */
  uid?: number;
  process?: string;
  processPath?: string;
  dscp?: number;
  /** The IP actually dialed (filled by the outbound). */
  remoteDestination?: string;
}

/** The host that domain rules match on: the sniffed host if any, else the host. */
export function ruleHost(m: Metadata): string {
  return m.sniffHost || m.host;
}

/** A fresh metadata record with empty defaults. */
export function newMetadata(init: Partial<Metadata> & Pick<Metadata, 'network' | 'type'>): Metadata {
  return {
    srcIP: '',
    srcPort: 0,
    dstIP: '',
    dstPort: 0,
    host: '',
    sniffHost: '',
    dnsMode: 'normal',
    inboundName: '',
    inboundIP: '',
    inboundPort: 0,
    inboundUser: '',
    ...init,
  };
}
