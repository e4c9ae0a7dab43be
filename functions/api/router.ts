// The biller API's router: Powertools' HTTP Router over the declared routes, every one behind the same middleware
// stack, and its error handlers answering problem+json (404, 405, 400 for a malformed path, 500 logged).
import { TransientError } from '../shared/errors.js';
import { HttpVerbs, ParameterValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import type { HttpMethod, Middleware, RequestContext } from '@aws-lambda-powertools/event-handler/types';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { logger } from '../shared/observability.js';
import type { Route } from './declare.js';
import type { ApiDeps } from './deps.js';
import { fieldProblem, HttpProblem, noStore, notFound, problemResult, webResponse, type Result } from './http.js';
import { audited, auditWriter, type AuditWriter, authenticate, authorize, eventOf, exchange, exchangeOf, idempotent, limitBody, scopeTenant, validated } from './middleware.js';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

/**
 * Every route's middleware, outermost first. This is the only place routes get them, so none can skip one:
 * 1. exchange: per-request state and a blank answer; `cache-control: no-store` on every answer
 * 2. authenticate (401) → 3. authorize (403) → 4. limitBody (413) → 5. scopeTenant (404, a tenant not the caller's)
 * 6. idempotent: an Idempotency-Key replay, checked only once the caller, role and tenant checks have passed
 * 7. audited: writes what the route body read or changed, after it answered (a replay audits in 6)
 * 8. validated: the declared path parameters, query and body (400 naming each field)
 * Errors thrown anywhere become problem+json in the router's error handlers below.
 */
const middlewareOf = (route: Route, deps: ApiDeps, writeAudit: AuditWriter): Middleware[] => [
  exchange,
  authenticate(route.access),
  authorize(route.access),
  limitBody,
  scopeTenant(route.tenant),
  idempotent(route, deps.idempotency, writeAudit),
  audited(writeAudit),
  validated(route),
];

/** The route body, handed what the middleware established. */
const handlerOf =
  (route: Route, deps: ApiDeps) =>
  async (reqCtx: RequestContext): Promise<Response> => {
    const ex = exchangeOf(reqCtx);
    const { scope } = ex;
    const request = { event: eventOf(reqCtx), params: ex.params, caller: ex.caller!, tenant: scope.tenant, tenants: scope.tenants, query: ex.query, body: ex.body, audit: (entry: typeof ex.audit) => void (ex.audit = entry) };
    return webResponse(await route.handle(request as Parameters<Route['handle']>[0], deps));
  };

/** `/claims/{claimId}` (OpenAPI) as the Router writes it, `/claims/:claimId`. */
const routerPath = (path: `/${string}`): `/${string}` => path.replace(/\{(\w+)\}/g, ':$1') as `/${string}`;

const verbs = Object.values(HttpVerbs) as HttpMethod[];
const known = new Set<string>(verbs);

const problemAnswer = (problem: HttpProblem, path: string): Result => {
  const result = problemResult(problem, path);
  return { ...result, headers: { ...result.headers, 'cache-control': 'no-store' } };
};

/** Builds the router once per container; the returned function answers one API Gateway (HTTP API, payload 2.0) event. */
export const apiRouter = (routes: readonly Route[], deps: ApiDeps) => {
  // The Router's debug line quotes an error's message, which may carry request data: not logged.
  const say = (level: 'info' | 'warn' | 'error') => (message: unknown) => logger[level](String(message));
  const router = new Router({ logger: { debug: () => undefined, info: say('info'), warn: say('warn'), error: say('error') } });
  const writeAudit = auditWriter(deps.history);
  for (const route of routes) router.route(handlerOf(route, deps), { method: route.method, path: routerPath(route.path), middleware: middlewareOf(route, deps, writeAudit) });
  // A declared path asked with another method is a 405, before any check (the Router alone would say 404).
  for (const path of new Set(routes.map((r) => r.path))) {
    const others = verbs.filter((verb) => !routes.some((r) => r.path === path && r.method === verb));
    router.route(
      () => {
        throw new HttpProblem(405, 'Method Not Allowed');
      },
      { method: others, path: routerPath(path) },
    );
  }
  const answer = (problem: HttpProblem, reqCtx: RequestContext) => noStore(webResponse(problemResult(problem, eventOf(reqCtx).rawPath)));
  router.errorHandler(HttpProblem, async (problem, reqCtx) => answer(problem, reqCtx));
  router.notFound(async (_, reqCtx) => answer(notFound(), reqCtx));
  router.errorHandler(ParameterValidationError, async (error, reqCtx) => {
    const field = /'(\w+)'/.exec(error.issues[0] ?? '')?.[1] ?? '(path)';
    return answer(fieldProblem(field, 'must not be blank'), reqCtx);
  });
  router.errorHandler(URIError, async (_, reqCtx) => answer(fieldProblem('(path)', 'not a well-formed path'), reqCtx));
  // A passing fault (a write that kept meeting concurrent ones): worth retrying, not our bug.
  router.errorHandler(TransientError, async (_, reqCtx) => answer(new HttpProblem(503, 'Service Unavailable', 'the request met concurrent changes; try again'), reqCtx));
  router.errorHandler(Error, async (error, reqCtx) => {
    const event = eventOf(reqCtx);
    logger.error('request failed', { method: event.requestContext.http.method, routeKey: event.routeKey, error: error.name });
    return answer(new HttpProblem(500, 'Internal Server Error'), reqCtx);
  });

  return async (event: Event, context: Context): Promise<Result> => {
    const method = event.requestContext.http.method;
    // A method the Router does not know gets its bare 405; ours is problem+json like every other answer.
    if (!known.has(method)) return problemAnswer(new HttpProblem(405, 'Method Not Allowed'), event.rawPath);
    // Paths match exactly, as declared: the Router alone would take `/me/` for `/me`.
    if (event.rawPath.length > 1 && event.rawPath.endsWith('/')) return problemAnswer(notFound(), event.rawPath);
    try {
      return await router.resolve(routable(event), context);
    } catch (error) {
      logger.error('request failed', { method, routeKey: event.routeKey, error: (error as Error).name });
      return problemAnswer(new HttpProblem(500, 'Internal Server Error'), event.rawPath);
    }
  };
};

/**
 * The event as the Router takes it. It recognises HTTP API events by `version: '2.0'` (this function is integrated as
 * payload 2.0 only, so every event it gets is one, named or not), and its web Request cannot carry a GET or HEAD body,
 * which no GET route reads.
 */
const routable = (event: Event): Event => {
  const bodyless = event.body !== undefined && (event.requestContext.http.method === 'GET' || event.requestContext.http.method === 'HEAD');
  return event.version === '2.0' && !bodyless ? event : { ...event, version: '2.0', ...(bodyless ? { body: undefined } : {}) };
};
