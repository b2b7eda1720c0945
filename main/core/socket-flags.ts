// A marker on a net.Socket saying it was created with TCP_NODELAY already
// set (by the native dialer, or inherited from a listener that has it), so
// the tunnel can skip a setsockopt per connection. Socket options are not
// readable from Node, hence the marker. No I/O here: a value convention
// shared by inbound/, outbound/ and tunnel/.
const NODELAY = Symbol.for('switchyard.noDelay');

type Marked = { [NODELAY]?: boolean };

/** Records that `s` has TCP_NODELAY set; returns `s`. */
export function markNoDelay<T extends object>(s: T): T {
  (s as T & Marked)[NODELAY] = true;
  return s;
}

/** Whether `s` is known to have TCP_NODELAY set. */
export function hasNoDelay(s: object): boolean {
  return (s as Marked)[NODELAY] === true;
}
