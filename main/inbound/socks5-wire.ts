// The SOCKS5 wire codec for the mixed inbound (shared with the outbound in core/).
export { writeSocksAddress, writeSocksAddressPort, readSocksAddress, encodeSocksUdp, decodeSocksUdp, type SocksAddress } from '../core/socks-address.js';
