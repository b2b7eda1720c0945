// Policy routing for TPROXY: packets carrying capture.mark are looked up in
// capture.table, whose only route delivers everything locally via lo.
// Pure: returns `ip` argument lists; the installer runs them.

export interface RoutingPlan {
  /** run in order to install; any failure rolls back */
  add: string[][];
  /** run in order to remove; failures mean "not present" and are tolerated */
  remove: string[][];
}

/** `ip` commands for mark/table, IPv4 and (when ipv6) IPv6. Removal always covers both families. */
export function planRouting(input: { mark: number; table: number; ipv6: boolean }): RoutingPlan {
  const mark = `0x${input.mark.toString(16)}`;
  const table = String(input.table);
  const fams: Array<['-4' | '-6', string]> = [['-4', '0.0.0.0/0'], ['-6', '::/0']];
  const add: string[][] = [];
  for (const [f, any] of input.ipv6 ? fams : fams.slice(0, 1)) {
    add.push([f, 'rule', 'add', 'fwmark', mark, 'lookup', table]);
    add.push([f, 'route', 'add', 'local', any, 'dev', 'lo', 'table', table]);
  }
  const remove: string[][] = [];
  for (const [f] of fams) {
    remove.push([f, 'rule', 'del', 'fwmark', mark, 'lookup', table]);
    remove.push([f, 'route', 'flush', 'table', table]);
  }
  return { add, remove };
}
