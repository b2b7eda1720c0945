// Destination ports worth sniffing (mihomo's sniffer defaults: HTTP 80,
// 8080-8880; TLS and QUIC 443, 8443). Other ports pass through at once, so
// server-speaks-first protocols (SSH, SMTP) are never delayed.
export function sniffPorts(port: number): boolean {
  return port === 80 || port === 443 || port === 8443 || (port >= 8080 && port <= 8880);
}
