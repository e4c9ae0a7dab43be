// The app's shell: who is signed in, the navigation their roles allow, and which screen shows. Screens are named in
// the address bar's hash (#/work, #/claim, #/manager, #/admin) and nothing else: the open claim is kept in memory,
// so no claim, account or patient identifier is ever in a URL, a title or browser storage.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { completeHostedSignIn, onSignOut, signOutEverywhere } from './auth.js';
import { AdminScreen } from './screens/admin.js';
import { ClaimScreen } from './screens/claim.js';
import { ManagerScreen } from './screens/manager.js';
import { SignInScreen } from './screens/sign-in.js';
import { WorkScreen } from './screens/work.js';
import type { AppConfig, Caller, WorkItem } from './types.js';

export type Screen = 'sign-in' | 'work' | 'claim' | 'manager' | 'admin';

/** The claim open on the claim screen: which, and whether this user holds its lease. */
export interface OpenClaim {
  readonly tenantId: string;
  readonly claimId: string;
  readonly leased?: WorkItem;
}

const titles: Record<Screen, string> = { 'sign-in': 'Sign in', work: 'My work', claim: 'Claim', manager: 'Manager', admin: 'Settings' };

const screenFromHash = (): Screen => {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (['work', 'claim', 'manager', 'admin'] as const).find((s) => s === name) ?? 'sign-in';
};

export const homeOf = (caller: Caller): Screen => (caller.roles.includes('biller') ? 'work' : caller.roles.includes('manager') ? 'manager' : 'admin');

const allowed = (caller: Caller, screen: Screen): boolean =>
  screen === 'work' || screen === 'claim' ? caller.roles.some((r) => r === 'biller' || r === 'manager') : screen === 'manager' ? caller.roles.includes('manager') : screen === 'admin' ? caller.roles.includes('admin') : true;

export const App = ({ config }: { config: AppConfig }) => {
  const [caller, setCaller] = useState<Caller | undefined>();
  const [screen, setScreen] = useState<Screen>('sign-in');
  const [claim, setClaim] = useState<OpenClaim | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const go = useCallback((next: Screen) => {
    window.location.hash = next === 'sign-in' ? '' : `/${next}`;
    setScreen(next);
  }, []);

  useEffect(() => {
    document.title = `${titles[screen]} · Claim follow-up`;
    // Move focus to the new screen's heading, so keyboard and screen-reader users land on it.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [screen, caller]);

  useEffect(
    () =>
      onSignOut((reason) => {
        setCaller(undefined);
        setClaim(undefined);
        setNotice(reason);
        window.location.hash = '';
        setScreen('sign-in');
      }),
    [],
  );

  useEffect(() => {
    const onHash = () => {
      const next = screenFromHash();
      if (!caller || !allowed(caller, next) || (next === 'claim' && !claim)) return;
      setScreen(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [caller, claim]);

  const signedIn = useCallback(async () => {
    const me = await get<Caller>('/me');
    setNotice(undefined);
    setCaller(me);
    const wanted = screenFromHash();
    go(wanted !== 'sign-in' && wanted !== 'claim' && allowed(me, wanted) ? wanted : homeOf(me));
  }, [go]);

  useEffect(() => {
    if (config.mode === 'cognito') completeHostedSignIn().then((done) => (done ? signedIn() : undefined)).catch((e: Error) => setNotice(e.message));
  }, [config, signedIn]);

  const openClaim = useCallback(
    (next: OpenClaim) => {
      setClaim(next);
      go('claim');
    },
    [go],
  );

  if (!caller || screen === 'sign-in') return <SignInScreen config={config} notice={notice} onSignedIn={signedIn} />;

  const nav: Array<[Screen, string]> = [
    ...(allowed(caller, 'work') ? ([['work', 'My work']] as Array<[Screen, string]>) : []),
    ...(allowed(caller, 'manager') ? ([['manager', 'Manager']] as Array<[Screen, string]>) : []),
    ...(allowed(caller, 'admin') ? ([['admin', 'Settings']] as Array<[Screen, string]>) : []),
  ];
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="bar">
        <span class="brand">Claim follow-up</span>
        <nav aria-label="Main">
          {nav.map(([target, label]) => (
            <a key={target} href={`#/${target}`} aria-current={screen === target || (screen === 'claim' && target === 'work') ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {caller.userId} ({caller.roles.join(', ')})
        </span>
        <button type="button" class="quiet" onClick={() => signOutEverywhere()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {screen === 'work' && <WorkScreen caller={caller} onOpen={openClaim} />}
        {screen === 'claim' && claim && <ClaimScreen key={`${claim.tenantId}/${claim.claimId}`} caller={caller} open={claim} onOpen={openClaim} onBack={() => go('work')} />}
        {screen === 'manager' && <ManagerScreen caller={caller} onOpen={openClaim} />}
        {screen === 'admin' && <AdminScreen caller={caller} />}
      </main>
    </>
  );
};
