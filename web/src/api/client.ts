// A small typed fetch wrapper. Every non-2xx answer is turned into an ApiError built from the
// server's envelope {"error":{"code","message","field"}}.
import { noteServerClock } from '../components/format';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  /** Seconds from the Retry-After header (429 too_many_attempts). */
  readonly retryAfter?: number;
  /** Every field that was wrong, when the server checked several at once (project settings). */
  errors: { field: string; message: string }[] = [];

  constructor(status: number, code: string, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

export const API_BASE = '/api/v1';

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called whenever a request answers 401 `unauthorized` (session expired or logged out elsewhere). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
}

async function toApiError(res: Response): Promise<ApiError> {
  const retryHeader = res.headers.get('Retry-After');
  const retryAfter = retryHeader !== null && /^\d+$/.test(retryHeader.trim()) ? Number(retryHeader) : undefined;
  let code = `http_${res.status}`;
  let message = res.statusText || `Request failed with status ${res.status}`;
  let field: string | undefined;
  try {
    const body: unknown = await res.json();
    const err = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } })?.error;
    if (err && typeof err === 'object') {
      if (typeof err.code === 'string') code = err.code;
      if (typeof err.message === 'string') message = err.message;
      if (typeof err.field === 'string' && err.field !== '') field = err.field;
      const list = (err as { errors?: unknown }).errors;
      if (Array.isArray(list)) {
        const e = new ApiError(res.status, code, message, field, retryAfter);
        e.errors = list.filter((x) => x && typeof x.field === 'string' && typeof x.message === 'string');
        return e;
      }
    }
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, code, message, field, retryAfter);
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  let url = API_BASE + path;
  if (opts.query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Cannot reach the Sangam server. Check your connection and try again.');
  }

  noteServerClock(res.headers.get('X-Sangam-Time'), res.headers.get('X-Sangam-Clock-Speed'));
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && err.code === 'unauthorized' && onUnauthorized) onUnauthorized();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  return JSON.parse(text) as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body ?? {}, opts),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** A human sentence for any thrown value, in sentence case (some server messages start lower-case). */
export function errorMessage(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}
