// Server field errors (`errors: [{field, message}]`, or the envelope's single `field`) by field path,
// so each form row shows its own. Messages that start with the path ("name: must …") lose the prefix.
import { ApiError, errorMessage } from '../../api';

export type FieldErrors = Record<string, string>;

export function fieldErrors(e: unknown): FieldErrors {
  if (!(e instanceof ApiError)) return {};
  const list = e.errors.length ? e.errors : e.field ? [{ field: e.field, message: e.message }] : [];
  const out: FieldErrors = {};
  for (const { field, message } of list) {
    const prefix = `${field}: `;
    const text = message.startsWith(prefix) ? message.slice(prefix.length) : message;
    out[field] ??= text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }
  return out;
}

/** The first error at `field` or below it ("schedule" matches "schedule.end_date"). */
export function under(errors: FieldErrors, field: string): string | null {
  for (const [k, v] of Object.entries(errors)) if (k === field || k.startsWith(field + '.') || k.startsWith(field + '[')) return v;
  return null;
}

/** A banner line for errors that belong to no field shown on the page. */
export function formError(e: unknown, shownFields: string[]): string | null {
  if (!e) return null;
  const errs = fieldErrors(e);
  const keys = Object.keys(errs);
  if (keys.length && keys.every((k) => shownFields.some((f) => k === f || k.startsWith(f + '.') || k.startsWith(f + '[')))) {
    return keys.length > 1 ? 'Some fields need your attention; each says what is wrong.' : 'A field needs your attention; it says what is wrong.';
  }
  return errorMessage(e);
}
