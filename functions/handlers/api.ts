// Lambda: the biller HTTP API. Tenant scope and role come from the token; errors are application/problem+json.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { ageOf } from '../domain/aging.js';
import { localDateAt } from '../domain/calendar.js';
import { calendarDate, claimId } from '../domain/claim-events.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { callerOf, type Caller } from '../shared/caller.js';
import { dynamo } from '../shared/clients.js';
import { shardCount, tableName } from '../shared/env.js';
import { logger, withObservability } from '../shared/observability.js';
import { ClaimStore } from '../store/claim-store.js';
import { RunStore } from '../store/run-store.js';
import type { Role } from '../shared/auth.js';

const claims = new ClaimStore(dynamo(), tableName(), shardCount());
const runs = new RunStore(dynamo(), tableName());
const tenants = tenantDirectory();

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/** An error answered as RFC 9457 problem details. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(title);
  }
}

const json = (statusCode: number, body: unknown): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const problem = (p: HttpProblem, instance: string): Result => ({
  statusCode: p.status,
  headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  body: JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, detail: p.detail, instance, ...p.extra }),
});

const requireCaller = (event: Event): Caller => {
  const caller = callerOf(event);
  if (!caller) throw new HttpProblem(401, 'Unauthorized', 'a valid bearer token is required');
  return caller;
};

const requireRole = (caller: Caller, allowed: readonly Role[]): void => {
  if (!caller.roles.some((role) => allowed.includes(role))) {
    throw new HttpProblem(403, 'Forbidden', `requires one of the roles: ${allowed.join(', ')}`);
  }
};

/** Parses a query or path value; a bad value is a 400 naming the parameter. */
const param = <T>(schema: z.ZodType<T>, value: string | undefined, name: string): T => {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpProblem(400, 'Bad Request', `${name}: ${result.error.issues[0]?.message ?? 'invalid'}`, {
      errors: [{ field: name, message: result.error.issues[0]?.message }],
    });
  }
  return result.data;
};

/** The tenant a request is about; one outside the caller's scope answers 404, exactly as a missing resource does. */
const scopedTenant = (caller: Caller, event: Event): string => {
  const tenant = param(z.string().min(1), event.queryStringParameters?.tenant ?? onlyTenant(caller), 'tenant');
  if (!caller.tenants.includes(tenant)) throw new HttpProblem(404, 'Not Found');
  return tenant;
};
const onlyTenant = (caller: Caller): string | undefined => (caller.tenants.length === 1 ? caller.tenants[0] : undefined);

type Route = (event: Event, params: Record<string, string>) => Promise<Result>;

const routes: Array<{ method: string; pattern: RegExp; route: Route }> = [
  {
    method: 'GET',
    pattern: /^\/health$/,
    route: async () => {
      // Healthy when the table answers: a read of a key that never exists.
      await claims.get('_health', '_health');
      return json(200, { status: 'ok' });
    },
  },
  {
    method: 'GET',
    pattern: /^\/me$/,
    route: async (event) => json(200, requireCaller(event)),
  },
  {
    method: 'GET',
    pattern: /^\/claims\/(?<claimId>[^/]+)$/,
    route: async (event, params) => {
      const caller = requireCaller(event);
      requireRole(caller, ['biller', 'manager']);
      const tenant = scopedTenant(caller, event);
      const id = param(claimId, params.claimId, 'claimId');
      const stored = await claims.get(tenant, id);
      if (!stored) throw new HttpProblem(404, 'Not Found');
      const timeZone = tenants.get(tenant)?.timeZone ?? 'UTC';
      const today = param(calendarDate.optional(), event.queryStringParameters?.asOf, 'asOf') ?? localDateAt(new Date().toISOString(), timeZone);
      return json(200, { ...stored.claim, version: stored.version, age: ageOf(stored.claim, today) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/runs\/(?<runDate>[^/]+)$/,
    route: async (event, params) => {
      const caller = requireCaller(event);
      requireRole(caller, ['manager', 'admin']);
      const tenant = scopedTenant(caller, event);
      const runDate = param(calendarDate, params.runDate, 'runDate');
      const run = await runs.get(tenant, runDate);
      if (!run) throw new HttpProblem(404, 'Not Found');
      return json(200, run);
    },
  },
];

export const route = async (event: Event): Promise<Result> => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  try {
    const matches = routes.filter((r) => r.pattern.test(path));
    if (matches.length === 0) throw new HttpProblem(404, 'Not Found');
    const match = matches.find((r) => r.method === method);
    if (!match) throw new HttpProblem(405, 'Method Not Allowed');
    return await match.route(event, path.match(match.pattern)?.groups ?? {});
  } catch (error) {
    if (error instanceof HttpProblem) return problem(error, path);
    logger.error('request failed', { method, routeKey: event.routeKey, error: (error as Error).name });
    return problem(new HttpProblem(500, 'Internal Server Error'), path);
  }
};

export const handler = withObservability(async (event: Event) => route(event));
