// The running core as the controller adapter and the CLI see it.
import type { Config } from '../config/types.js';
import type { ConnectionTable } from '../stats/index.js';
import type { DnsService } from '../dns/index.js';
import type { Tunnel } from '../tunnel/tunnel.js';
import type { StateStore } from './state-store.js';
import type { Generation } from './generation.js';
import type { GeoDataHandle } from './geodata.js';

export interface Engine {
  config(): Config;
  generation(): Generation;
  /** The background geodata downloader of the loaded config (null before start). */
  geodata?(): GeoDataHandle | null;
  readonly tracker: ConnectionTable;
  readonly dns: DnsService;
  readonly tunnel: Tunnel;
  readonly state: StateStore;
  controllerAddress(): { host: string; port: number } | null;
  mode(): Config['mode'];
  setMode(m: Config['mode']): void;
  /** Capture as running: installed flag and last error. */
  captureState(): { installed: boolean; error: string; config: Config['capture'] };
  setCapture(patch: Partial<Config['capture']>): Promise<void>;
  /** allow-lan as running; changing it rebinds the mixed port. */
  allowLan(): boolean;
  setAllowLan(on: boolean): Promise<void>;
  /** Sniffing of new connections (PATCH /configs {sniffing}). */
  sniffing(): boolean;
  setSniffing(on: boolean): void;
  /** Loads a new config (file or text); a bad one leaves everything as it was and throws. */
  reload(req?: { payload?: string; path?: string }): Promise<void>;
  stop(): Promise<void>;
}
