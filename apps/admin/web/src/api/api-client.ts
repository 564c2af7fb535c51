export interface FieldError {
  field: string;
  message: string;
}

/** An API error with the server's message and per-field messages (400/409). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Message for one form field, if the server named it. */
  forField(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field)?.message;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall back to the status text
  }
  const message =
    isRecord(body) && typeof body.message === 'string' ? body.message : `${res.status} ${res.statusText}`;
  const errors =
    isRecord(body) && Array.isArray(body.errors)
      ? body.errors.filter(
          (e): e is FieldError => isRecord(e) && typeof e.field === 'string' && typeof e.message === 'string',
        )
      : [];
  return new ApiError(res.status, message, errors);
}

/** JSON request to the admin API; sends the CSRF token on state-changing methods. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthorized();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** One file as multipart/form-data (the browser sets the boundary); same CSRF and errors as api(). */
export async function uploadFile<T>(method: string, path: string, field: string, file: File): Promise<T> {
  const form = new FormData();
  form.append(field, file);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: form });
  if (res.status === 401) onUnauthorized();
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}
