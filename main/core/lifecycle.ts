// Services start in order and close in reverse; close() is idempotent.
export interface Lifecycle {
  start(): Promise<void>;
  close(): Promise<void>;
}
