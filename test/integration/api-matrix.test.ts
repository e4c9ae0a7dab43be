// Every route against every kind of caller: no token, forged or expired token (401), the wrong role (403), and a
// user of another tenant (404, exactly as for a resource that does not exist).
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../functions/shared/auth.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { localAudience, localIssuer, type DevAuth } from '../../local/dev-auth.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, startTestApi, testConfig, uniqueTenant } from './harness.js';

const tenantA = uniqueTenant('matrix-a');
const tenantB = uniqueTenant('matrix-b');
const config = testConfig([tenantA, tenantB]);
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
let claimId: string;

interface RouteCase {
  readonly method: string;
  readonly path: () => string;
  readonly body?: unknown;
  /** Roles allowed; the others get 403. */
  readonly roles: readonly Role[];
}

const routes: RouteCase[] = [
  { method: 'GET', path: () => `/queues?tenant=${tenantA}`, roles: ['biller', 'manager'] },
  { method: 'GET', path: () => `/work-items?tenant=${tenantA}&queue=denials`, roles: ['biller', 'manager'] },
  { method: 'POST', path: () => '/work-items/next', body: { tenant: tenantA }, roles: ['biller', 'manager'] },
  { method: 'POST', path: () => `/work-items/${claimId}/renew?tenant=${tenantA}`, roles: ['biller', 'manager'] },
  { method: 'POST', path: () => `/work-items/${claimId}/release?tenant=${tenantA}`, roles: ['biller', 'manager'] },
  { method: 'POST', path: () => `/work-items/${claimId}/assign?tenant=${tenantA}`, body: { assignee: 'pool' }, roles: ['manager'] },
  { method: 'GET', path: () => `/claims/${claimId}?tenant=${tenantA}`, roles: ['biller', 'manager'] },
  { method: 'POST', path: () => `/claims/${claimId}/actions?tenant=${tenantA}`, body: { type: 'note', outcome: 'x' }, roles: ['biller', 'manager'] },
  { method: 'GET', path: () => `/runs/2026-11-21?tenant=${tenantA}`, roles: ['manager', 'admin'] },
  { method: 'GET', path: () => `/reports/aging?tenant=${tenantA}`, roles: ['manager'] },
  { method: 'GET', path: () => `/config/settings?tenant=${tenantA}`, roles: ['admin'] },
  { method: 'PUT', path: () => `/config/settings?tenant=${tenantA}`, body: {}, roles: ['admin'] },
];
const roles: Role[] = ['biller', 'manager', 'admin'];

const call = (route: RouteCase, token?: string) =>
  fetch(`${base}${route.path()}`, {
    method: route.method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
  });
const user = (role: Role, tenant: string) => auth.sign({ sub: `${role}-${tenant}`, email: `${role}@x.example`, roles: [role], tenants: [tenant] });

beforeAll(async () => {
  const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
  for (const events of demoClaimEvents({ tenantId: tenantA, claims: 60, today: '2026-11-20', seed: 41 })) {
    for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
  }
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
  await runNight(runtime.startNightly, documentClient(), localStack().tableName, [config.tenants[0]!], '2026-11-21', 60_000);
  claimId = (await new WorkItemStore(documentClient(), localStack().tableName).listQueue(tenantA, 'denials'))[0]!.claimId;
});
afterAll(async () => {
  await stopApi();
});

describe.each(routes.map((r) => [`${r.method} ${r.path().replace(tenantA, 'A').replace('undefined', '{id}')}`, r] as const))('%s', (_, route) => {
  it('refuses a missing, forged or expired token with 401', async () => {
    expect((await call(route)).status).toBe(401);
    const stranger = await generateKeyPair('RS256');
    const forged = await new SignJWT({ 'cognito:groups': [...roles], 'custom:tenants': tenantA })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('intruder')
      .setIssuer(localIssuer)
      .setAudience(localAudience)
      .setExpirationTime('1h')
      .sign(stranger.privateKey);
    expect((await call(route, forged)).status).toBe(401);
    const expired = await auth.sign({ sub: 'late', email: 'l@x.example', roles: [...roles], tenants: [tenantA] }, '-1m');
    expect((await call(route, expired)).status).toBe(401);
  });

  it('answers 403 problem+json to the roles it is not for', async () => {
    for (const role of roles.filter((r) => !route.roles.includes(r))) {
      const response = await call(route, await user(role, tenantA));
      expect(response.status, role).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('answers 404 to a user of another tenant, with every role that may use it', async () => {
    for (const role of route.roles) {
      const response = await call(route, await user(role, tenantB));
      expect(response.status, role).toBe(404);
    }
  });
});
