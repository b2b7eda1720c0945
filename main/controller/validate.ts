// Request validation helpers: every bad input becomes a coded 400 naming the
// field, the value and what was expected. Nothing here trusts the body's shape.
import { badQuery, badRequest } from './http-errors.js';

export type JsonObject = Record<string, unknown>;

/** The body must be a plain JSON object. */
export function bodyObject(body: unknown, where: string): JsonObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(where, body, 'a JSON object');
  return body as JsonObject;
}

export function optBool(o: JsonObject, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${where}.${key}`, v, 'true or false');
  return v;
}

export function optString(o: JsonObject, key: string, where: string, max = 1 << 20): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) throw badRequest(`${where}.${key}`, v, `a string of at most ${max} characters`);
  return v;
}

export function optStringList(o: JsonObject, key: string, where: string, maxItems = 256): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > maxItems || !v.every((s) => typeof s === 'string' && s.length <= 256))
    throw badRequest(`${where}.${key}`, v, `a list of at most ${maxItems} strings`);
  return v as string[];
}

export function optEnum<T extends string>(o: JsonObject, key: string, where: string, allowed: readonly T[], fold = true): T | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const s = typeof v === 'string' ? (fold ? v.toLowerCase() : v) : null;
  if (s === null || !(allowed as readonly string[]).includes(s)) throw badRequest(`${where}.${key}`, v, `one of ${allowed.join(', ')}`);
  return s as T;
}

/** A query string parameter (the request gives string | string[] | undefined). */
export function queryString(q: unknown, key: string): string | undefined {
  const v = (q as Record<string, unknown> | undefined)?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badQuery(`query ${key}`, v, 'one value');
  return v;
}

/** An integer query parameter within [min, max]; `dflt` when absent or empty. */
export function queryInt(q: unknown, key: string, dflt: number, min: number, max: number): number {
  const s = queryString(q, key);
  if (s === undefined || s === '') return dflt;
  if (!/^\d{1,10}$/.test(s)) throw badQuery(`query ${key}`, s, `an integer in ${min}..${max}`);
  const n = Number(s);
  if (n < min || n > max) throw badQuery(`query ${key}`, s, `an integer in ${min}..${max}`);
  return n;
}
