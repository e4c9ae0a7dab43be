// A thin fetch client over the API: bearer token from memory, JSON in and out, problem+json errors with their fields.
import type { Problem } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }

  /** The message for one field (as the API names it, e.g. `alerts.percentArOver90Above`), if it named it. */
  fieldMessage(field: string): string | undefined {
    return this.problem?.errors?.find((e) => e.field === field)?.message;
  }
}

type Query = Record<string, string | number | undefined>;

let baseUrl = '';
/** The API's clock minus this computer's, from each answer's Date header: lease times are the server's. */
let clockOffsetMs = 0;

/** Now on the API's clock (to the second: Date headers carry whole seconds, so this may trail it by under 1 s). */
export const serverNow = (): number => Date.now() + clockOffsetMs;
let tokenSource: () => Promise<string | undefined> = async () => undefined;
let onUnauthorized: () => void = () => undefined;

export const configureApi = (options: { baseUrl: string; token: () => Promise<string | undefined>; unauthorized: () => void }): void => {
  baseUrl = options.baseUrl.replace(/\/$/, '');
  tokenSource = options.token;
  onUnauthorized = options.unauthorized;
};

const urlOf = (path: string, query: Query = {}): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const search = params.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
};

export const request = async <T>(method: 'GET' | 'POST' | 'PUT', path: string, options: { query?: Query; body?: unknown } = {}): Promise<T | undefined> => {
  const token = await tokenSource();
  const response = await fetch(urlOf(path, options.query), {
    method,
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  const date = Date.parse(response.headers.get('date') ?? '');
  // A Date header has whole seconds: keep the offset unless this answer shows it more than a second off.
  if (Number.isFinite(date) && Math.abs(date - Date.now() - clockOffsetMs) > 1000) clockOffsetMs = date - Date.now();
  if (response.status === 401) onUnauthorized();
  if (response.status === 204) return undefined;
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ApiError(response.status, body as Problem | undefined);
  return body as T;
};

export const get = <T>(path: string, query?: Query): Promise<T> => request<T>('GET', path, { query }) as Promise<T>;
export const post = <T>(path: string, body: unknown = {}, query?: Query): Promise<T | undefined> => request<T>('POST', path, { body, query });
export const put = <T>(path: string, body: unknown, query?: Query): Promise<T> => request<T>('PUT', path, { body, query }) as Promise<T>;

/** A path with a claim id in it (the API's own paths; never the page's URL). */
export const claimPath = (claimId: string, rest = ''): string => `/claims/${encodeURIComponent(claimId)}${rest}`;
export const workItemPath = (claimId: string, rest: string): string => `/work-items/${encodeURIComponent(claimId)}${rest}`;
