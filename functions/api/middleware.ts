// The checks and duties every route passes through, as Powertools Router middleware: caller, role, body size, tenant
// scope, idempotency, audit and the declared schemas (no query parameter they do not declare). router.ts applies all
// of them, in one stated order, to every route.
import type { Middleware, RequestContext } from '@aws-lambda-powertools/event-handler/types';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { callerOf, type Caller } from '../shared/caller.js';
import type { HistoryStore } from '../store/history-store.js';
import type { IdempotencyScope, IdempotencyStore, StoredAudit } from '../store/idempotency-store.js';
import type { Access, Route, TenantRule } from './declare.js';
import { badRequest, fieldProblem, HttpProblem, maxBodyBytes, notFound, param, problemResult, settle, webResponse, noStore } from './http.js';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

interface TenantScope {
  readonly tenant?: string;
  readonly tenants: readonly string[];
  /** The tenant part of the Idempotency-Key's scope. */
  readonly keyTenant: string;
}

/** What one request carries from one middleware to the next, and to the route body. */
export interface Exchange {
  caller?: Caller;
  scope: TenantScope;
  /** The body as JSON, parsed once for the tenant check and the route. */
  json?: { readonly value: unknown };
  params: Record<string, string>;
  query?: unknown;
  body?: unknown;
  /** What the answer read or changed, recorded by the route body. */
  audit?: StoredAudit;
}

/** Idempotency scope of a request over all of the caller's tenants (not a tenant id: those start with a letter or digit). */
const allTenantsScope = '_scope';
const noTenant: TenantScope = { tenants: [], keyTenant: allTenantsScope };

export const exchangeOf = (reqCtx: RequestContext): Exchange => reqCtx.get('exchange') as Exchange;
export const eventOf = (reqCtx: RequestContext): Event => reqCtx.event as Event;

/** The request body as JSON, parsed at most once; a 400 naming `(body)` when it is not JSON. */
const jsonBody = (exchange: Exchange, event: Event): unknown => {
  if (exchange.json) return exchange.json.value;
  let value: unknown = {};
  if (event.body) {
    try {
      value = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body);
    } catch {
      throw new HttpProblem(400, 'Bad Request', 'the body is not JSON', { errors: [{ field: '(body)', message: 'not JSON' }] });
    }
  }
  exchange.json = { value };
  return value;
};

const parsed = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(result.error);
  return result.data;
};

/** First and last: a blank answer to build on (the Router's own starts as text/plain), and no-store on every answer. */
export const exchange: Middleware = async ({ reqCtx, next }) => {
  reqCtx.set('exchange', { scope: noTenant, params: {} } satisfies Exchange);
  reqCtx.res = new Response(null, { status: 500 });
  await next();
  noStore(reqCtx.res);
};

/** 401 without a caller, unless the route is public. */
export const authenticate =
  (access: Access): Middleware =>
  async ({ reqCtx, next }) => {
    const caller = callerOf(eventOf(reqCtx));
    if (!caller && access !== 'public') throw new HttpProblem(401, 'Unauthorized', 'a valid bearer token is required');
    exchangeOf(reqCtx).caller = caller;
    await next();
  };

/** 403 to a caller with none of the route's roles. */
export const authorize =
  (access: Access): Middleware =>
  async ({ reqCtx, next }) => {
    const roles = typeof access === 'string' ? undefined : access;
    if (roles && !exchangeOf(reqCtx).caller!.roles.some((role) => roles.includes(role))) throw new HttpProblem(403, 'Forbidden', `requires one of the roles: ${roles.join(', ')}`);
    await next();
  };

/** 413 to a body over the limit, before anything reads it. */
export const limitBody: Middleware = async ({ reqCtx, next }) => {
  const { body, isBase64Encoded } = eventOf(reqCtx);
  if (body && Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') > maxBodyBytes) {
    throw fieldProblem('(body)', `at most ${maxBodyBytes} bytes`, undefined, 413, 'Content Too Large');
  }
  await next();
};

const bodyTenant = z.looseObject({ tenant: z.string().optional() });
const tenantId = z.string().min(1);

/** The tenants a request is about; one outside the caller's scope answers 404, exactly as a missing resource does. */
export const scopeTenant =
  (rule: TenantRule): Middleware =>
  async ({ reqCtx, next }) => {
    const exchange = exchangeOf(reqCtx);
    const { caller } = exchange;
    if (rule !== 'none' && caller) {
      const event = eventOf(reqCtx);
      const inScope = (tenant: string): string => {
        if (!caller.tenants.includes(tenant)) throw notFound();
        return tenant;
      };
      const named = rule === 'body-or-all' ? parsed(bodyTenant, jsonBody(exchange, event)).tenant : event.queryStringParameters?.tenant;
      if (rule === 'query') {
        const only = caller.tenants.length === 1 ? caller.tenants[0] : undefined;
        const tenant = inScope(param(tenantId, named ?? only, 'tenant'));
        exchange.scope = { tenant, tenants: [tenant], keyTenant: tenant };
      } else if (named) exchange.scope = { tenant: inScope(named), tenants: [named], keyTenant: named };
      else exchange.scope = { tenants: caller.tenants, keyTenant: allTenantsScope };
    }
    await next();
  };

/** Writes an audit entry: who, what, when, which claim, which request. */
export type AuditWriter = (event: Event, caller: Caller, entry: StoredAudit) => Promise<void>;

export const auditWriter =
  (history: HistoryStore): AuditWriter =>
  (event, caller, entry) =>
    history.audit({ tenantId: entry.tenantId, userId: caller.userId, action: entry.action, ...(entry.claimId ? { claimId: entry.claimId } : {}), at: new Date().toISOString(), requestId: event.requestContext.requestId });

const idempotencyKeyPattern = /^[A-Za-z0-9._:-]{8,128}$/;
const passThrough: Middleware = async ({ next }) => {
  await next();
};

/**
 * `Idempotency-Key` on a POST: a repeat of the same request gets the first answer (`idempotent-replayed: true`), another
 * request with the key 422. It runs after the caller, role and tenant checks, so a replay passes them exactly as a
 * first request does; a replayed answer about a tenant the caller no longer works is a 404.
 */
export const idempotent = (route: Route, idempotency: IdempotencyStore, writeAudit: AuditWriter): Middleware =>
  route.method !== 'POST'
    ? passThrough
    : async ({ reqCtx, next }) => {
        const event = eventOf(reqCtx);
        const { caller, scope } = exchangeOf(reqCtx);
        const key = caller ? event.headers?.['idempotency-key'] : undefined;
        if (key === undefined) return void (await next());
        if (!idempotencyKeyPattern.test(key)) throw fieldProblem('Idempotency-Key', 'invalid', 'Idempotency-Key: 8-128 letters, digits, dot, dash, colon, underscore');
        const keyScope: IdempotencyScope = { tenantId: scope.keyTenant, userId: caller!.userId, route: route.operationId };
        const fingerprint = createHash('sha256').update(`${event.requestContext.http.method} ${event.rawPath}?${event.rawQueryString}\n${event.body ?? ''}`).digest('hex');
        const claimed = await idempotency.claim(keyScope, key, fingerprint, Date.now());
        if (claimed.state === 'mismatch') throw new HttpProblem(422, 'Unprocessable Content', 'Idempotency-Key was already used for a different request');
        if (claimed.state === 'in-progress') throw new HttpProblem(409, 'Conflict', 'a request with this Idempotency-Key is still running');
        if (claimed.state === 'done') {
          const { audit: stored, statusCode, headers, body } = claimed.response;
          // The answer is about a tenant the caller may no longer work (a request over all their tenants): not theirs.
          if (stored && !scope.tenants.includes(stored.tenantId)) throw notFound();
          if (stored) await writeAudit(event, caller!, { ...stored, action: `replay:${stored.action}` });
          reqCtx.res = webResponse({ statusCode, headers: { ...headers, 'idempotent-replayed': 'true' }, body });
          return;
        }
        const complete = (result: { statusCode: number; headers: Record<string, string>; body: string }) => {
          const { audit } = exchangeOf(reqCtx);
          return idempotency.complete(keyScope, key, fingerprint, { ...result, ...(audit ? { audit } : {}) }, Date.now());
        };
        try {
          await next();
        } catch (error) {
          // Only answers we gave are kept; a failure on our side may be retried with the same key. The error goes on to
          // the router's error handler, which answers it exactly as stored (Powertools refuses a middleware that
          // swallows a failed next()).
          if (error instanceof HttpProblem && error.status < 500) {
            const { statusCode = error.status, headers = {}, body = '' } = problemResult(error, event.rawPath);
            await complete({ statusCode, headers: headers as Record<string, string>, body });
          } else await idempotency.forget(keyScope, key);
          throw error;
        }
        const { result, response } = await settle(reqCtx.res);
        reqCtx.res = response;
        await complete(result);
      };

/** Writes the audit entry the route body recorded, once it has answered. */
export const audited =
  (writeAudit: AuditWriter): Middleware =>
  async ({ reqCtx, next }) => {
    await next();
    const { audit, caller } = exchangeOf(reqCtx);
    if (audit && caller) await writeAudit(eventOf(reqCtx), caller, audit);
  };

/** Most unknown query parameters a refusal names, and how much of each name (they are the caller's text). */
const maxNamedParameters = 10;
const maxParameterName = 64;

/**
 * The query parameters a route does not declare (the keys of its query schema; none without one), in the order sent:
 * refused rather than ignored, so a misspelt filter never answers as if it were not there.
 */
export const unknownQueryParameters = (route: Pick<Route, 'query'>, query: Readonly<Record<string, unknown>> | undefined): string[] => {
  const declared = Object.keys(route.query?.shape ?? {});
  return Object.keys(query ?? {}).filter((name) => !declared.includes(name));
};

/** Parses the declared path parameters (in order), query and body; each refusal is a 400 naming the field. */
export const validated = (route: Route): Middleware => {
  const params = Object.entries<z.ZodType<string>>(route.params ?? {});
  return async ({ reqCtx, next }) => {
    const exchange = exchangeOf(reqCtx);
    const event = eventOf(reqCtx);
    for (const [name, schema] of params) exchange.params[name] = param(schema, reqCtx.params[name], name);
    const unknown = unknownQueryParameters(route, event.queryStringParameters);
    if (unknown.length > 0) {
      const errors = unknown.slice(0, maxNamedParameters).map((name) => ({ field: name.slice(0, maxParameterName) || '(empty)', message: 'unknown query parameter' }));
      throw new HttpProblem(400, 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
    }
    if (route.query) exchange.query = parsed(route.query, event.queryStringParameters ?? {});
    if (route.body) exchange.body = parsed(route.body, jsonBody(exchange, event));
    await next();
  };
};
