// SOCKS5 address encoding for the client handshake and the UDP header: the
// shared codec lives in core/ (the mixed inbound uses it too).
export { writeSocksAddress, writeSocksAddressPort, readSocksAddress, type SocksAddress } from '../core/socks-address.js';
