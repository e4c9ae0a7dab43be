// Sign-in. Locally: one button per demo user, signed by the local server's dev-only endpoint. In AWS: the Cognito
// hosted UI (authorization code + PKCE).
import { useEffect, useState } from 'preact/hooks';
import { demoUsers, signInAsDemoUser, startHostedSignIn, type DemoUser } from '../auth.js';
import type { AppConfig } from '../types.js';

export const SignInScreen = ({ config, notice, onSignedIn }: { config: AppConfig; notice?: string; onSignedIn: () => Promise<void> }) => {
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (config.mode === 'local') demoUsers().then(setUsers, () => setError('The local server did not list its demo users.'));
  }, [config]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      await onSignedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in" tabIndex={-1}>
      <h1 tabIndex={-1}>Claim follow-up</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {config.mode === 'local' ? (
        <>
          <p>Local demo: choose who to be. Each button signs in with a token the local server makes for that demo user.</p>
          <ul class="users">
            {users.map((user) => (
              <li key={user.key}>
                <button type="button" disabled={busy} onClick={() => run(() => signInAsDemoUser(user.key))}>
                  Sign in as the demo {user.key}
                </button>
                <span class="muted">
                  {user.label}: {user.email}, {user.tenants.join(', ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <button type="button" disabled={busy} onClick={() => startHostedSignIn().catch((e: Error) => setError(e.message))}>
          Sign in
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="muted small">You are signed out after 15 minutes without activity.</p>
    </main>
  );
};
