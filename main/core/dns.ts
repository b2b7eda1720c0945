// DNS-side contracts used by the tunnel: fake-ip reverse mapping and the ip->host cache.
export interface FakeIpPool {
  /** Whether `ip` lies in the fake-ip range(s). */
  contains(ip: string): boolean;
  /** The host a fake IP stands for, or undefined when unmapped. */
  lookupHost(ip: string): string | undefined;
  /** Fake IP for `host` (allocating or reusing, LRU). */
  allocate(host: string, family: 4 | 6): string;
  flush(): void;
}

/** Remembers which host a real IP was answered for (redir-host / DNS cache). */
export interface HostCache {
  hostOf(ip: string): string | undefined;
}
