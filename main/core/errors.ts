// Coded errors: every failure that leaves a module is a SyError with a code
// from the registry in ./error-codes.ts, a `where` (file:line:col and key path,
// or the connection/rule it concerns) and an optional cause.
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export interface ErrorContext {
  /** Where it happened: `config.yaml:41:5 rules[12]`, `provider reject line 7`, `tcp 192.0.2.2:5000 -> example.com:443`. */
  where?: string;
  /** The offending value, as written. */
  value?: unknown;
  /** What would have been valid. */
  expected?: string;
  /** Free-form detail appended to the message. */
  detail?: string;
  cause?: unknown;
  [extra: string]: unknown;
}

/** An error with a stable code; `message` is human-readable and self-contained. */
export class SyError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, context: ErrorContext = {}) {
    super(formatMessage(code, context), context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'SyError';
    this.code = code;
    this.context = context;
  }

  /** The wire form the controller answers with. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

function formatMessage(code: ErrorCode, ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.where) parts.push(`${ctx.where}:`);
  parts.push(ERROR_CODES[code]);
  if (ctx.value !== undefined) parts.push(`(got ${renderValue(ctx.value)})`);
  if (ctx.detail) parts.push(`- ${ctx.detail}`);
  if (ctx.expected) parts[parts.length - 1] += `; expected ${ctx.expected}`;
  const cause = ctx.cause;
  if (cause instanceof Error && cause.message) parts.push(`[cause: ${cause.message}]`);
  return parts.join(' ');
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 120 ? v.slice(0, 117) + '...' : v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 120 ? s.slice(0, 117) + '...' : s;
  } catch {
    return String(v);
  }
}

export function isSyError(e: unknown): e is SyError {
  return e instanceof SyError;
}

/** Several errors reported at once (config validation collects them all). */
export class SyErrorList extends SyError {
  readonly errors: readonly SyError[];
  constructor(code: ErrorCode, errors: readonly SyError[], context: ErrorContext = {}) {
    super(code, { ...context, detail: `${errors.length} error(s):\n  ${errors.map((e) => e.message).join('\n  ')}` });
    this.errors = errors;
  }
}
