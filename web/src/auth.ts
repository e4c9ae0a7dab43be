// Signing in. Tokens live in this module's memory only: never localStorage, sessionStorage or a cookie (a reload
// signs in again). After 15 minutes without a key press or a click the session ends (HIPAA automatic logoff).
// Locally: the local server's dev-only sign-in endpoint signs a token for a demo user. In AWS: Cognito's hosted UI,
// authorization code + PKCE, and the refresh token (in memory too) renews the ID token before it expires.
import type { AppConfig, Caller } from './types.js';

export const idleLimitMs = 15 * 60_000;

interface Session {
  idToken: string;
  expiresAt: number;
  refreshToken?: string;
}

let session: Session | undefined;
let config: AppConfig | undefined;
let lastActivity = Date.now();
let idleTimer: ReturnType<typeof setInterval> | undefined;
let refreshing: Promise<void> | undefined;
const listeners = new Set<(reason?: string) => void>();
/** Work to finish while the token is still good (an open claim gives its lease back). */
const beforeSignOutHooks = new Set<() => Promise<unknown>>();

export const beforeSignOut = (hook: () => Promise<unknown>): (() => void) => {
  beforeSignOutHooks.add(hook);
  return () => beforeSignOutHooks.delete(hook);
};

export const onSignOut = (listener: (reason?: string) => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Whether a session that last saw activity at `last` has been idle too long at `now`. */
export const isIdle = (last: number, now: number, limit = idleLimitMs): boolean => now - last >= limit;

const expiryOf = (jwt: string): number => {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return (payload.exp ?? 0) * 1000;
  } catch {
    return 0;
  }
};

const noteActivity = (): void => {
  lastActivity = Date.now();
};

const startIdleWatch = (): void => {
  lastActivity = Date.now();
  for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) window.addEventListener(type, noteActivity, { passive: true });
  idleTimer = setInterval(() => {
    if (session && isIdle(lastActivity, Date.now())) signOut('You were signed out after 15 minutes without activity.');
  }, 15_000);
};

export const signOut = (reason?: string): void => {
  if (!session) return;
  const hooks = [...beforeSignOutHooks];
  beforeSignOutHooks.clear();
  // At most 2 s for the hooks (each one request), then the token is gone whatever they did.
  void Promise.race([Promise.allSettled(hooks.map((hook) => hook())), new Promise((resolve) => setTimeout(resolve, 2000))]).then(() => endSession(reason));
};

const endSession = (reason?: string): void => {
  session = undefined;
  if (idleTimer) clearInterval(idleTimer);
  idleTimer = undefined;
  for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) window.removeEventListener(type, noteActivity);
  for (const listener of listeners) listener(reason);
};

export const loadConfig = async (): Promise<AppConfig> => {
  const response = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' });
  config = (await response.json()) as AppConfig;
  return config;
};

const begin = (s: Session): void => {
  session = s;
  startIdleWatch();
};

// --- Local: the dev sign-in endpoint (served by the local API server only; no such route exists in AWS) ---

export interface DemoUser {
  readonly key: string;
  readonly label: string;
  readonly email: string;
  readonly tenants: readonly string[];
}

export const demoUsers = async (): Promise<DemoUser[]> => {
  const response = await fetch(`${config?.apiUrl ?? ''}/dev/users`, { cache: 'no-store', credentials: 'omit' });
  return ((await response.json()) as { users: DemoUser[] }).users;
};

export const signInAsDemoUser = async (key: string): Promise<void> => {
  const response = await fetch(`${config?.apiUrl ?? ''}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: key }),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) throw new Error(`sign-in refused (${response.status})`);
  const { token } = (await response.json()) as { token: string };
  begin({ idToken: token, expiresAt: expiryOf(token) });
};

// --- AWS: Cognito hosted UI, authorization code + PKCE ---

const base64Url = (bytes: ArrayBuffer | Uint8Array): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (bytes = 32): string => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));

/**
 * The PKCE verifier and state must outlive the redirect to the hosted UI and back, and nothing else of the page does:
 * they are kept for that one round trip in the tab's session storage (they are not tokens: useless without the
 * code, which only comes back to this origin), and removed as soon as the code is exchanged.
 */
const pkceKey = 'claim-followup.pkce';

export const startHostedSignIn = async (): Promise<void> => {
  if (config?.mode !== 'cognito') throw new Error('not configured for Cognito');
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(pkceKey, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  window.location.assign(`${config.cognitoDomain}/oauth2/authorize?${params}`);
};

const tokenRequest = async (body: Record<string, string>): Promise<Session> => {
  if (config?.mode !== 'cognito') throw new Error('not configured for Cognito');
  const response = await fetch(`${config.cognitoDomain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: config.clientId, ...body }),
    credentials: 'omit',
  });
  if (!response.ok) throw new Error(`the sign-in service refused (${response.status})`);
  const tokens = (await response.json()) as { id_token: string; refresh_token?: string };
  return { idToken: tokens.id_token, expiresAt: expiryOf(tokens.id_token), ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) };
};

/** Back from the hosted UI with `?code=&state=`: exchanges the code, then takes them out of the address bar. */
export const completeHostedSignIn = async (): Promise<boolean> => {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (config?.mode !== 'cognito' || !code) return false;
  const stored = sessionStorage.getItem(pkceKey);
  sessionStorage.removeItem(pkceKey);
  window.history.replaceState(null, '', window.location.pathname);
  const { verifier, state } = stored ? (JSON.parse(stored) as { verifier: string; state: string }) : { verifier: '', state: '' };
  if (!verifier || params.get('state') !== state) throw new Error('the sign-in did not come from this page; sign in again');
  begin(await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: config.redirectUri, code_verifier: verifier }));
  return true;
};

/** The ID token for the next request; renewed silently with the refresh token when it is about to expire. */
export const currentToken = async (): Promise<string | undefined> => {
  if (!session) return undefined;
  if (session.refreshToken && session.expiresAt - Date.now() < 5 * 60_000) {
    const refreshToken = session.refreshToken;
    refreshing ??= tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken })
      .then((renewed) => {
        if (session) session = { ...renewed, refreshToken: renewed.refreshToken ?? refreshToken };
      })
      .catch(() => signOut('Your session ended; sign in again.'))
      .finally(() => (refreshing = undefined));
    await refreshing;
  }
  return session?.idToken;
};

export const signedIn = (): boolean => session !== undefined;

export const signOutEverywhere = (): void => {
  signOut();
  // The hosted UI's own session too, so the next sign-in asks for the password (and MFA) again.
  const current = config;
  if (current?.mode === 'cognito') {
    onSignOut(() => window.location.assign(`${current.cognitoDomain}/logout?${new URLSearchParams({ client_id: current.clientId, logout_uri: current.redirectUri })}`));
  }
};

export type { Caller };
