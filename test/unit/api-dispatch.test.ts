// The API's route declarations and its one middleware stack: every route declares roles and tenant resolution, the
// OpenAPI document states the same roles, and the checks run caller (401) → role (403) → tenant (404) before anything is read.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi.js';
import { routeDeclarations } from '../../functions/api/routes.js';

type Api = typeof import('../../functions/handlers/api.js');
let api: Api;

beforeAll(async () => {
  // Module-scope stores read these; no request below reaches the table (it would fail: nothing listens there).
  process.env.TABLE_NAME = 'unit-no-table';
  process.env.SHARD_COUNT = '2';
  process.env.TENANT_DIRECTORY = '[]';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
  api = await import('../../functions/handlers/api.js');
});

const event = (method: string, path: string, claims?: Record<string, unknown>, options: { query?: Record<string, string>; body?: string; key?: string } = {}) =>
  ({
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    routeKey: '$default',
    headers: options.key ? { 'idempotency-key': options.key } : {},
    queryStringParameters: options.query,
    body: options.body,
    isBase64Encoded: false,
    requestContext: { requestId: 'r1', http: { method }, authorizer: { jwt: { claims: claims ?? {} } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const user = (groups: string, tenants: string) => ({ sub: 'u1', 'cognito:groups': groups, 'custom:tenants': tenants });

describe('the route table', () => {
  it('declares every operation of the OpenAPI document with the same roles', () => {
    const declared = routeDeclarations.filter((r) => r.access !== 'public' && r.access !== 'signed-in').map((r) => [r.method.toLowerCase(), r.path, r.operationId, [...(r.access as readonly string[])]]);
    const paths = openApiDocument().paths as Record<string, Record<string, { operationId: string; description?: string }>>;
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => {
        const roles = /^Roles: (.+)\.$/.exec(op.description ?? '')?.[1];
        return roles ? [[method, path, op.operationId, roles.split(', ')]] : [];
      }),
    );
    expect(declared.sort()).toEqual(documented.sort());
  });
});

describe('the dispatcher', () => {
  it('answers 401 before the role, 403 before the tenant, 404 before the body, and never reads the table for them', async () => {
    const actions = (claims?: Record<string, unknown>, tenant = 'clinic-b') => event('POST', '/claims/C1/actions', claims, { query: { tenant }, body: 'not json', key: 'replay-key-0001' });
    expect((await api.route(actions())).statusCode).toBe(401);
    expect((await api.route(actions(user('[biller]', 'clinic a')))).statusCode).toBe(401);
    expect((await api.route(actions(user('[admin]', 'clinic-a')))).statusCode).toBe(403);
    expect((await api.route(actions(user('[biller]', 'clinic-a')))).statusCode).toBe(404);
    // The body is read only after those checks (and after the idempotency key, when one is sent).
    const inScope = event('POST', '/claims/C1/actions', user('[biller]', 'clinic-a,clinic-b'), { query: { tenant: 'clinic-b' }, body: 'not json' });
    expect(JSON.parse((await api.route(inScope)).body!)).toMatchObject({ status: 400, errors: [{ field: '(body)' }] });
  });

  it('resolves the tenant of /work-items/next from the body, before the idempotency key', async () => {
    const next = (tenants: string, body: unknown) => event('POST', '/work-items/next', user('[biller]', tenants), { body: JSON.stringify(body), key: 'replay-key-0002' });
    expect((await api.route(next('clinic-a', { tenant: 'clinic-b' }))).statusCode).toBe(404);
    expect((await api.route(next('clinic-a', { tenant: 7 }))).statusCode).toBe(400);
  });

  it('answers 413 to a body over 256 KB', async () => {
    const put = event('PUT', '/config/settings', user('[admin]', 'clinic-a'), { query: { tenant: 'clinic-a' }, body: JSON.stringify({ note: 'x'.repeat(api.maxBodyBytes) }) });
    const result = await api.route(put);
    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body!)).toMatchObject({ status: 413, errors: [{ field: '(body)' }] });
  });
});
