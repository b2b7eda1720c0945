// Collects located errors and warnings while a config is checked, so every
// mistake in a file is reported in one run. `where` is `file:line:col keyPath`.
import { SyError, type ErrorContext } from '../core/errors.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { Where } from './types.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export class Diagnostics {
  readonly errors: SyError[] = [];
  readonly warnings: SyError[] = [];

  /** `file` as the user gave it; '' (in-memory text) is shown as <config>. */
  constructor(file: string) {
    this.file = file === '' ? '<config>' : file;
  }

  readonly file: string;

  /** `config.yaml:12:15 proxy-groups[2].proxies[1]` */
  where(pos: Position, path: string): Where {
    const loc = `${this.file}:${pos.line}:${pos.col}`;
    return path ? `${loc} ${path}` : loc;
  }

  error(code: ErrorCode, pos: Position, path: string, ctx: ErrorContext = {}): SyError {
    const e = new SyError(code, { ...ctx, where: this.where(pos, path) });
    this.errors.push(e);
    return e;
  }

  warn(code: ErrorCode, pos: Position, path: string, ctx: ErrorContext = {}): SyError {
    const e = new SyError(code, { ...ctx, where: this.where(pos, path) });
    this.warnings.push(e);
    return e;
  }

  /** Keep an error raised elsewhere (e.g. by an injected rule validator). */
  add(e: SyError): void {
    this.errors.push(e);
  }
}
