// The result of sniffing the first client bytes of a connection.
//  - `{ host }`: a normalised domain name was found (never an IP literal);
//  - 'need-more': the bytes so far are a valid prefix; call again with more
//    (the caller bounds how long it waits: deadline and byte cap);
//  - 'no': not this protocol, or no usable host name. Final.
export type SniffResult = { readonly host: string } | 'need-more' | 'no';

/** The most bytes any sniffer waits for before giving up with 'no'. */
export const SNIFF_MAX_BYTES = 16 * 1024;
