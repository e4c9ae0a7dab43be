// Every declared route (functions/api/routes.ts) against every kind of caller: no token, forged or expired token (401),
// the wrong role (403), and a user of another tenant (404, exactly as for a resource that does not exist).
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeDeclarations } from '../../functions/api/routes.js';
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

const roles: Role[] = ['biller', 'manager', 'admin'];
const tenantA = uniqueTenant('matrix-a');
const tenantB = uniqueTenant('matrix-b');
const config = testConfig([tenantA, tenantB]);
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
let claimId: string;

interface RouteCase {
  /** The declared method and path. */
  readonly name: string;
  readonly method: string;
  readonly path: () => string;
  readonly body?: unknown;
  /** Roles allowed; the others get 403. */
  readonly roles: readonly Role[];
  /** Whether the route is about a tenant (a user of another tenant gets 404). */
  readonly tenanted: boolean;
}

/** A value for each path parameter a route declares; a new parameter must be given one here. */
const examples: Record<string, () => string> = { claimId: () => claimId, runDate: () => '2026-11-21', remitId: () => `remit-${'0'.repeat(32)}`, batchId: () => '2026-11-21-CLRHOUSE1-000000001' };

/** Every declared route but the public ones, called on tenant A: the tenant in the query, or in the body where it is read from there. */
const routes: RouteCase[] = routeDeclarations
  .filter((r) => r.access !== 'public')
  .map((r) => ({
    name: `${r.method} ${r.path}`,
    method: r.method,
    path: () => {
      const path = r.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        if (!examples[name]) throw new Error(`no example value for the path parameter ${name} of ${r.method} ${r.path}`);
        return examples[name]();
      });
      return r.tenant === 'query' || r.tenant === 'query-or-all' ? `${path}?tenant=${tenantA}` : path;
    },
    ...(r.method === 'GET' ? {} : { body: r.tenant === 'body-or-all' ? { tenant: tenantA } : {} }),
    roles: typeof r.access === 'string' ? roles : r.access,
    tenanted: r.tenant !== 'none',
  }));

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

describe.each(routes.map((r) => [r.name, r] as const))('%s', (_, route) => {
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

  // A route about no tenant (GET /me) has no other tenant to refuse: it gets no such case, rather than a skipped one.
  if (route.tenanted) {
    it('answers 404 to a user of another tenant, with every role that may use it', async () => {
      for (const role of route.roles) {
        const response = await call(route, await user(role, tenantB));
        expect(response.status, role).toBe(404);
      }
    });
  }
});
