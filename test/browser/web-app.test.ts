/// <reference lib="dom" />
// The web app in headless Chromium (the one inside @sparticuz/chromium, or CHROMIUM_PATH: ./chromium.ts) on a whole
// local system started as `npm start` starts it (local/system.ts: emulators, runtime, demo data, a night), with the
// app served by the local API server. A biller's day (sign in, take next, record a call with a reference and a
// follow-up date, see it leave the queue, take the next, ask for a write-off), a manager (reassign, approve that
// write-off) and an admin (a threshold: a bad value's field error, then a good one saved). axe-core on every screen,
// nothing patient- or claim-identifying in URLs, titles, storage or the console, and screenshots at 390 and 1280 px
// (test-artifacts/, and docs/screenshots/ for the README with README_SCREENSHOTS=1).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateAt } from '../../functions/domain/calendar.js';
import { appealLevels } from '../../functions/domain/claim-events.js';
import { followUpQueues, queueTitles as domainQueueTitles } from '../../functions/domain/tenant-settings.js';
import { writeOffReasons } from '../../functions/domain/work-item.js';
import { actionTypes } from '../../functions/services/claim-actions.js';
import { loadConfig } from '../../lib/config.js';
import { runNight } from '../../local/nightly-driver.js';
import { cacheDir } from '../../local/paths.js';
import { freePort } from '../../local/processes.js';
import { demoUsers, startLocalSystem, type LocalSystem } from '../../local/system.js';
import { ensureWebBuild, firstLoadBudgetBytes, firstLoadFiles, type WebBuild } from '../../web/build.js';
import * as words from '../../web/src/words.js';
import { launchChromium } from './chromium.js';

const repo = join(import.meta.dirname, '..', '..');
const artifacts = join(repo, 'test-artifacts');
const readmeShots = join(repo, 'docs', 'screenshots');
const config = loadConfig('dev');
const tenant = config.tenants[0]!.id;
const today = localDateAt(new Date().toISOString(), config.tenants[0]!.timeZone);

let build: WebBuild;
let system: LocalSystem;
let browser: Browser;
let base: string;
let home: string;
/** Everything the pages printed to the console, and every URL and title they showed: checked for identifiers. */
const consoleLines: string[] = [];
const urls: string[] = [];
const titles: string[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(readmeShots, { recursive: true });
  home = mkdtempSync(join(tmpdir(), 'claim-followup-web-'));
  build = await ensureWebBuild();
  // A smaller demo than npm start's (the same generator): enough for full queues, quick to seed.
  process.env.DEMO_CLAIMS_PER_TENANT = '120';
  system = await startLocalSystem({ config, dataDir: join(home, 'data'), cacheDir, apiPort: await freePort(), seed: true, today, schedules: false, webDir: build.dir });
  await runNight(system.runtime.startNightly, system.documentClient, system.stack.tableName, config.tenants, today);
  base = system.apiUrl;
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
  delete process.env.DEMO_CLAIMS_PER_TENANT;
}, 60_000);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated through the DevTools protocol: the page's CSP forbids inline script, rightly). */
const axeViolations = async (page: Page): Promise<string[]> => {
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
};

/** Saves a screenshot; Chromium on a loaded machine sometimes refuses a capture once ("Unable to capture"). */
const screenshot = async (page: Page, path: string, fullPage = true): Promise<void> => {
  for (let tries = 1; ; tries++) {
    try {
      await page.screenshot({ path, fullPage });
      return;
    } catch (error) {
      if (tries >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * tries));
    }
  }
};

/** axe on the screen, then screenshots at 390 px (a phone) and 1280 px (a desktop), and the README's at 1280 px when asked. */
const checkScreen = async (page: Page, name: string): Promise<void> => {
  titles.push(await page.title());
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    // Nothing makes the whole page scroll sideways (wide tables scroll inside their own region).
    expect(scrollWidth, `${name} at ${width} px`).toBeLessThanOrEqual(innerWidth);
    await screenshot(page, join(artifacts, `web-${name}-${width}.png`));
  }
  // The README's copies only on request (`README_SCREENSHOTS=1 npx vitest run test/browser/web-app.test.ts`): a test run leaves the tree clean.
  if (process.env.README_SCREENSHOTS === '1') await screenshot(page, join(readmeShots, `${name}.png`), false);
};

const signedInPage = async (role: 'biller' | 'manager' | 'admin'): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (message) => consoleLines.push(message.text()));
  page.on('framenavigated', (frame) => frame === page.mainFrame() && urls.push(frame.url()));
  await page.goto(`${base}/`);
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => console.log(`csp-violation ${e.violatedDirective}`)));
  await page.getByRole('button', { name: new RegExp(role, 'i') }).click();
  await page.getByRole('heading', { level: 1, name: role === 'biller' ? 'My work' : role === 'manager' ? 'Manager' : 'Settings' }).waitFor();
  return { context, page };
};

const claimIdOn = async (page: Page): Promise<string> => (await page.getByTestId('claim-id').textContent())!.trim();

const apiAs = async (role: 'biller' | 'manager' | 'admin', path: string): Promise<unknown> => {
  const token = await system.auth.sign(demoUsers(config)[role]);
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return response.json();
};

describe('the web app build', () => {
  it('loads at most 200 KB of JavaScript gzipped on first load, from files with no inline script', () => {
    // The budget of issue 16; the figure is printed by the build (npm start and `npm run web:build`).
    expect(build.firstLoadJsGzipBytes).toBeGreaterThan(1_000);
    expect(build.firstLoadJsGzipBytes).toBeLessThanOrEqual(firstLoadBudgetBytes);
    const html = readFileSync(join(build.dir, 'index.html'), 'utf8');
    expect(firstLoadFiles(build.dir).js.length).toBeGreaterThan(0);
    // Every <script> loads a file: none carries code of its own (the CSP's script-src 'self' would refuse it).
    expect([...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!.trim()).filter(Boolean)).toEqual([]);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('type-checks (web/tsconfig.json: DOM types and Preact JSX, with the API types from its zod schemas)', () => {
    execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(repo, 'web', 'tsconfig.json')], { stdio: 'pipe' });
  }, 120_000);

  it('names queues, actions, appeal levels and write-off reasons exactly as the API does', () => {
    expect(Object.keys(words.queueTitles)).toEqual([...followUpQueues]);
    expect(words.queueTitles).toEqual(domainQueueTitles);
    expect([...words.actionTypes]).toEqual([...actionTypes]);
    expect([...words.appealLevels]).toEqual([...appealLevels]);
    expect([...words.writeOffReasons]).toEqual([...writeOffReasons]);
  });
});

describe('the local server serves the app', () => {
  it('with content types, a strict CSP with no inline script, security headers, and no-store on the API', async () => {
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())![1]!;
    const asset = await fetch(`${base}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/config.json`)).headers.get('cache-control')).toBe('no-store');
    // The API's own answers: never cached, and a 401 without a token as before.
    const health = await fetch(`${base}/health`);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${base}/queues`)).status).toBe(401);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(401);
  });

  it('signs tokens for the demo users only', async () => {
    const refused = await fetch(`${base}/dev/sign-in`, { method: 'POST', body: JSON.stringify({ user: 'root' }) });
    expect(refused.status).toBe(400);
    const signed = (await (await fetch(`${base}/dev/sign-in`, { method: 'POST', body: JSON.stringify({ user: 'biller' }) })).json()) as { token: string };
    const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${signed.token}` } });
    expect(await me.json()).toEqual({ userId: 'demo-biller', roles: ['biller'], tenants: [tenant] });
  });
});

describe('a day in the web app', () => {
  let writeOffClaim: string;

  it('a biller signs in, takes next, records a call with a reference and a follow-up date, sees it leave the queue, takes the next', async () => {
    const { context, page } = await signedInPage('biller');
    await checkScreen(page, 'my-work');
    // The queues as tabs: each with its count and dollars, one of them selected with its ranked rows.
    const tabs = page.getByRole('tab');
    expect(await tabs.count()).toBe(followUpQueues.length);
    await expect.poll(() => page.locator('table.work tbody tr').count()).toBeGreaterThan(0);

    // `n` takes the next claim and opens it, with the lease's time left.
    const pressed = Date.now();
    await page.keyboard.press('n');
    await page.getByRole('heading', { level: 1, name: /^Claim/ }).waitFor();
    await page.getByTestId('claim-id').waitFor();
    console.log(`n → claim screen with its claim: ${Date.now() - pressed} ms`);
    const first = await claimIdOn(page);
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/Your lease: ((29|30):\d\d|31:00) left/);
    await checkScreen(page, 'claim');
    const queueHeading = (await page.locator('#work-h').textContent())!;

    // A call without its reference: the API's field error shows under the field, tied to it.
    await page.getByLabel('What came of it').fill('Rep says the claim is reprocessing');
    await page.getByRole('button', { name: 'Save action' }).click();
    const reference = page.getByLabel('Call reference');
    await expect.poll(() => reference.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await reference.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy.split(' ').at(-1)}`).textContent()).toBe('required when you called the payer');
    await checkScreen(page, 'claim-field-error');

    const followUp = addDays(today, 1);
    await reference.fill('REF-20417');
    await page.getByLabel('Next follow-up date').fill(followUp);
    await page.getByRole('button', { name: 'Save action' }).click();
    await page.getByRole('heading', { name: 'Saved: Called the payer' }).waitFor();
    expect(await page.getByText(`This claim comes back on ${followUp}.`).isVisible()).toBe(true);
    // The history shows the action with every field.
    const action = page.locator('.timeline li.action').first();
    expect(await action.textContent()).toContain('Rep says the claim is reprocessing');
    expect(await action.textContent()).toContain('REF-20417');
    expect(await action.textContent()).toContain(followUp);

    // Back to the queue it was in: it is not there any more (pended until the follow-up date).
    await page.getByRole('button', { name: 'Back to my work' }).click();
    const queueTitle = Object.values(domainQueueTitles).find((title) => queueHeading.startsWith(`${title}:`))!;
    await page.getByRole('tab', { name: new RegExp(`^${queueTitle.replace(/[()]/g, '\\$&')}`) }).click();
    await expect.poll(() => page.locator('table.work tbody tr, p:has-text("Nothing in this queue")').count()).toBeGreaterThan(0);
    expect(await page.locator(`tr[data-claim="${first}"]`).count()).toBe(0);

    // The next one: another claim, leased to the biller.
    await page.getByRole('button', { name: /Take next/ }).click();
    await page.getByTestId('claim-id').waitFor();
    const second = await claimIdOn(page);
    expect(second).not.toBe(first);
    await expect.poll(() => page.getByRole('timer').isVisible()).toBe(true);

    // A write-off request for the manager: typed fields (reason), then "Next claim".
    await page.getByLabel('What you did').selectOption('write-off-requested');
    await page.getByLabel('Write-off reason').selectOption('small-balance');
    await page.getByLabel('What came of it').fill('Balance not worth pursuing');
    await page.getByRole('button', { name: 'Save action' }).click();
    await page.getByRole('heading', { name: 'Saved: Write-off request' }).waitFor();
    writeOffClaim = second;
    expect(await page.getByRole('button', { name: /Next claim/ }).isVisible()).toBe(true);

    // Leaving a claim unsaved gives its lease back.
    await page.keyboard.press('n');
    await expect.poll(async () => (await claimIdOn(page)) !== second).toBe(true);
    const third = await claimIdOn(page);
    await page.getByRole('button', { name: 'Back to my work' }).click();
    await expect
      .poll(async () => {
        const claim = (await apiAs('biller', `/claims/${third}?tenant=${tenant}&historyLimit=1`)) as { workItem: { leasedBy?: string } | null };
        return claim.workItem?.leasedBy ?? 'released';
      })
      .toBe('released');

    // Search by claim id finds it.
    await page.getByLabel('Find a claim').fill(first);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Search results' }).waitFor();
    expect(await page.getByRole('button', { name: first }).count()).toBeGreaterThan(0);

    expect(await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }))).toEqual({ local: 0, session: 0, cookie: '' });
    await context.close();
  }, 120_000);

  it('a manager reads the figures, reassigns selected work and approves the write-off request', async () => {
    const { context, page } = await signedInPage('manager');
    await page.locator('svg[aria-label^="AR by age bucket"]').waitFor();
    await page.locator('svg[aria-label^="% AR over 90 days"]').waitFor();
    expect(await page.locator('svg[aria-label^="AR by age bucket"]').getAttribute('aria-label')).toContain('0-30');
    // The demo thresholds (15% AR > 90, $5,000 at timely-filing risk) are read against tonight's figures.
    await expect.poll(() => page.locator('.alerts li').count()).toBe(2);
    await checkScreen(page, 'manager');

    // Reassign the first denial to the demo team.
    await page.getByLabel('Queue', { exact: true }).selectOption('denials');
    const row = page.locator('form.reassign tbody tr').first();
    await row.waitFor();
    const claimId = (await row.getAttribute('data-claim'))!;
    await row.getByRole('checkbox').check();
    await page.getByLabel('Assign selected to').fill('team:nobody');
    await page.getByRole('button', { name: 'Reassign 1 selected' }).click();
    // Not on the roster: the API's 422 names the assignee, shown next to that field.
    await expect.poll(() => page.getByLabel('Assign selected to').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#r-assignee-error').textContent()).toContain('not on this practice');
    await row.getByRole('checkbox').check();
    await page.getByLabel('Assign selected to').fill('team:front-end');
    await page.getByRole('button', { name: 'Reassign 1 selected' }).click();
    await page.getByText('Reassigned 1 item to team:front-end.').waitFor();
    await expect.poll(() => page.locator(`form.reassign tr[data-claim="${claimId}"] [data-assignee]`).textContent()).toBe('team:front-end');

    // The biller's write-off request, approved: it leaves the list.
    const request = page.locator(`.approvals li[data-claim="${writeOffClaim}"]`);
    await request.waitFor();
    await request.getByRole('button', { name: 'Approve write-off' }).click();
    await page.getByText('Write-off approved.').waitFor();
    await expect.poll(() => page.locator(`.approvals li[data-claim="${writeOffClaim}"]`).count()).toBe(0);
    const claim = (await apiAs('manager', `/claims/${writeOffClaim}?tenant=${tenant}&historyLimit=5`)) as { writeOffs: unknown[] };
    expect(claim.writeOffs.length).toBe(1);

    // The trend and work done behind the screen (GET /reports/nights): three dates, only today's night ran; its
    // % AR > 90 is the run record's over-90 dollars over its AR (to one decimal); the biller recorded 2 actions today
    // (the call, the write-off request; the call refused for its missing reference wrote nothing).
    const trend = (await apiAs('manager', `/reports/nights?tenant=${tenant}&days=3`)) as { through: string; nights: Array<{ runDate: string; status: string; percentArOver90?: number; workDone: Array<{ userId: string; actions: number }> }> };
    expect(trend.through).toBe(today);
    expect(trend.nights.map((n) => [n.runDate, n.status])).toEqual([
      [addDays(today, -2), 'none'],
      [addDays(today, -1), 'none'],
      [today, 'complete'],
    ]);
    const run = (await apiAs('manager', `/runs/${today}?tenant=${tenant}`)) as { counts: Record<string, number> };
    expect(trend.nights[2]!.percentArOver90).toBe(Math.round((run.counts['ar:over90']! / run.counts['ar:total']!) * 1000) / 10);
    expect(trend.nights[2]!.workDone.find((w) => w.userId === 'demo-biller')?.actions).toBe(2);
    await context.close();
  }, 90_000);

  it('an admin sees a field error for a bad threshold, then saves a good one', async () => {
    const { context, page } = await signedInPage('admin');
    const threshold = page.getByLabel('Alert when % AR over 90 days is above (percent)');
    expect(await threshold.inputValue()).toBe('15');
    await threshold.fill('150');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => threshold.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await threshold.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`#${errorId}`).textContent()).toMatch(/100/);
    await checkScreen(page, 'settings-field-error');
    await threshold.fill('20');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    expect(await threshold.getAttribute('aria-invalid')).toBeNull();
    const stored = (await apiAs('admin', `/config/settings?tenant=${tenant}`)) as { alerts: { percentArOver90Above: number } };
    expect(stored.alerts.percentArOver90Above).toBe(20);
    await checkScreen(page, 'settings');
    await context.close();
  }, 60_000);

  it('signs out after 15 idle minutes, giving back the lease it held first', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: /biller/ }).click();
    await page.getByRole('heading', { level: 1, name: 'My work' }).waitFor();
    await page.locator('table.work tbody tr').first().waitFor();
    await page.keyboard.press('n');
    await page.getByTestId('claim-id').waitFor();
    const claimId = await claimIdOn(page);
    const leased = (await apiAs('biller', `/claims/${claimId}?tenant=${tenant}&historyLimit=1`)) as { workItem: { leasedBy?: string } };
    expect(leased.workItem.leasedBy).toBe('demo-biller');
    // 14 minutes: still signed in. One more (the check runs every 15 s): signed out, with the reason.
    await page.clock.fastForward('14:00');
    expect(await page.getByTestId('claim-id').isVisible()).toBe(true);
    await page.clock.fastForward('01:30');
    await page.getByText('You were signed out after 15 minutes without activity.').waitFor();
    // The sign-in page again (its buttons come once it has listed the demo users).
    await page.getByRole('button', { name: /biller/ }).waitFor();
    const released = (await apiAs('biller', `/claims/${claimId}?tenant=${tenant}&historyLimit=1`)) as { workItem: { leasedBy?: string } };
    expect(released.workItem.leasedBy).toBeUndefined();
    await context.close();
  });

  it('in AWS mode signs in through the hosted UI with the authorization code and PKCE (S256), keeping no token in storage', async () => {
    // The hosted UI and its token endpoint, played on this origin (the CSP allows 'self'); the ID token it gives is a
    // local one, which the local API accepts, so the app goes on to work as after a real sign-in.
    const cognito = `${base}/fake-cognito`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let challenge: string | null = null;
    let tokenForm: URLSearchParams | undefined;
    await page.route(`${base}/config.json`, (route) => route.fulfill({ json: { mode: 'cognito', apiUrl: '', cognitoDomain: cognito, clientId: 'web-client', redirectUri: `${base}/` } }));
    await page.route(`${cognito}/oauth2/authorize?*`, (route) => {
      const asked = new URL(route.request().url()).searchParams;
      expect(Object.fromEntries([...asked].filter(([name]) => !['state', 'code_challenge'].includes(name)))).toEqual({ response_type: 'code', client_id: 'web-client', redirect_uri: `${base}/`, scope: 'openid email', code_challenge_method: 'S256' });
      challenge = asked.get('code_challenge');
      return route.fulfill({ status: 302, headers: { location: `${base}/?code=the-code&state=${asked.get('state')}` } });
    });
    await page.route(`${cognito}/oauth2/token`, async (route) => {
      tokenForm = new URLSearchParams(route.request().postData() ?? '');
      return route.fulfill({ json: { id_token: await system.auth.sign(demoUsers(config).biller), refresh_token: 'the-refresh-token', token_type: 'Bearer', expires_in: 3600 } });
    });
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My work' }).waitFor();
    // The code went back with the verifier whose SHA-256 is the challenge sent first.
    expect(tokenForm?.get('grant_type')).toBe('authorization_code');
    expect(tokenForm?.get('code')).toBe('the-code');
    const verifier = tokenForm!.get('code_verifier')!;
    expect(verifier.length).toBeGreaterThanOrEqual(43);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
    // The code left the address bar; nothing stays in storage.
    expect(page.url()).toBe(`${base}/#/work`);
    expect(await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }))).toEqual({ local: 0, session: 0, cookie: '' });
    await context.close();
  });

  it('the sign-in page passes axe', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: /biller/ }).waitFor();
    expect(await page.getByRole('button', { name: /manager/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /admin/ }).count()).toBe(1);
    await checkScreen(page, 'sign-in');
    await context.close();
  });

  it('no URL, title or console line carried a claim id, and the CSP refused nothing', () => {
    expect(urls.length).toBeGreaterThan(3);
    const leaks = [...urls, ...titles, ...consoleLines].filter((text) => /DEMO-[A-Z]{3}-\d+|ACCT-|Fakename|Placeholder/.test(text));
    expect(leaks).toEqual([]);
    expect(consoleLines.filter((line) => line.startsWith('csp-violation') || /Refused to/.test(line))).toEqual([]);
  });
});
