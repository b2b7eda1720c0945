// The shell's coded error. main/electron/ may import main/core only as types
// (design §3: the shell stays thin), so it carries its own small class with the
// same wire shape as core's SyError: a registered code (main/core/error-codes/app.ts)
// and a self-contained message.
import type { ErrorCode } from '../core/error-codes.js';

export interface ShellErrorContext {
  where?: string;
  detail?: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

/** A failure of the desktop shell, with a stable code and a message for people. */
export class ShellError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;

  constructor(code: ErrorCode, stem: string, ctx: ShellErrorContext = {}) {
    const parts = [ctx.where ? `${ctx.where}: ${stem}` : stem];
    if (ctx.detail) parts.push(`- ${ctx.detail}`);
    if (ctx.hint) parts.push(`(${ctx.hint})`);
    super(parts.join(' '), ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.name = 'ShellError';
    this.code = code;
    this.hint = ctx.hint ?? '';
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
