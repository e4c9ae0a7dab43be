// The API behind the local HTTP server, as API Gateway with the JWT authorizer would serve it.
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { localAudience, localIssuer, type DevAuth } from '../../local/dev-auth.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, startTestApi, submittedEvent, testConfig, uniqueTenant } from './harness.js';

const tenantA = uniqueTenant('api-a');
const tenantB = uniqueTenant('api-b');
const config = testConfig([tenantA, tenantB]);
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;

const biller = (tenants = [tenantA]) => auth.sign({ sub: 'biller-1', email: 'b@x.example', roles: ['biller'], tenants });
const manager = () => auth.sign({ sub: 'manager-1', email: 'm@x.example', roles: ['manager'], tenants: [tenantA, tenantB] });
const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
  await ingestClaimEvent(claims, claimEvent.parse(submittedEvent(tenantA, 'CLM-A1')), directIngest);
  await ingestClaimEvent(claims, claimEvent.parse(submittedEvent(tenantB, 'CLM-B1')), directIngest);
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
});
afterAll(async () => {
  await stopApi();
});

describe('the biller API', () => {
  it('answers GET /health without a token', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves its OpenAPI 3.1 document without a token', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ openapi: '3.1.0', paths: { '/work-items/next': { post: { operationId: 'takeNextWorkItem' } } } });
  });

  it('serves a claim of the caller tenant with its age computed for the requested date', async () => {
    const response = await get(`/claims/CLM-A1?tenant=${tenantA}&asOf=2026-11-01`, await biller());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ claimId: 'CLM-A1', age: { basis: 'service', days: 34, bucket: '31-60' } });
  });

  it('answers 404 for another tenant claim, whether the tenant is named or the claim id is guessed', async () => {
    const token = await biller();
    for (const path of [`/claims/CLM-B1?tenant=${tenantB}`, `/claims/CLM-B1?tenant=${tenantA}`]) {
      const response = await get(path, token);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('refuses a missing, badly signed or expired token with 401', async () => {
    expect((await get(`/claims/CLM-A1?tenant=${tenantA}`)).status).toBe(401);
    const stranger = await generateKeyPair('RS256');
    const forged = await new SignJWT({ 'cognito:groups': ['manager'], 'custom:tenants': tenantA })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('intruder')
      .setIssuer(localIssuer)
      .setAudience(localAudience)
      .setExpirationTime('1h')
      .sign(stranger.privateKey);
    expect((await get(`/claims/CLM-A1?tenant=${tenantA}`, forged)).status).toBe(401);
    const expired = await auth.sign({ sub: 'b', email: 'b@x.example', roles: ['biller'], tenants: [tenantA] }, '-1m');
    expect((await get(`/claims/CLM-A1?tenant=${tenantA}`, expired)).status).toBe(401);
  });

  it('answers 403 problem+json when the role does not allow the route', async () => {
    const response = await get(`/runs/2026-11-21?tenant=${tenantA}`, await biller());
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ status: 403, title: 'Forbidden' });
  });

  it('answers 400 problem+json naming the bad parameter', async () => {
    const response = await get(`/runs/2026-02-30?tenant=${tenantA}`, await manager());
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, errors: [{ field: 'runDate' }] });
  });
});
