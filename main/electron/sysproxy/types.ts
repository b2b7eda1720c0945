// Contracts of the system-proxy switch: a desktop backend reads, applies and
// restores the exact keys it touches; commands run through an injected runner
// so tests (and the shell) decide how processes start.

/** What a command answered; `code` 127 when the program is missing. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program with arguments (never through a shell); `env` is merged over the runner's environment. */
export type CommandRunner = (file: string, args: readonly string[], env?: Readonly<Record<string, string>>) => Promise<RunResult>;

export type Desktop = 'gnome' | 'kde';

/** Where the proxy settings should point. */
export interface ProxyTarget {
  host: string;
  port: number;
  /** Hosts and ranges that bypass the proxy. */
  ignore: readonly string[];
}

/** One setting as it was before we changed it; `value` null = it was not set (the default applied). */
export interface SavedKey {
  group: string;
  key: string;
  value: string | null;
}

export interface ProxyBackend {
  readonly desktop: Desktop;
  /** The current value of every key apply() changes. */
  read(): Promise<SavedKey[]>;
  apply(target: ProxyTarget): Promise<void>;
  /** Puts back exactly what read() returned. */
  restore(saved: readonly SavedKey[]): Promise<void>;
}

/** Local ranges that never go through the system proxy. */
export const LOCAL_IGNORE: readonly string[] = ['localhost', '127.0.0.0/8', '::1', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '*.local'];
