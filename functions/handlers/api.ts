// Lambda: the biller HTTP API. Tenant scope and role come from the token; errors are application/problem+json.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { ageOf } from '../domain/aging.js';
import { daysBetween, localDateAt } from '../domain/calendar.js';
import { calendarDate, claimId } from '../domain/claim-events.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { agingQuery, assignBody, nextBody, workItemQuery } from '../api/schemas.js';
import { openApiDocument } from '../api/openapi.js';

const openApi = openApiDocument();
import { callerOf, type Caller } from '../shared/caller.js';
import { dynamo } from '../shared/clients.js';
import { shardCount, tableName } from '../shared/env.js';
import { logger, withObservability } from '../shared/observability.js';
import { ClaimStore } from '../store/claim-store.js';
import { RunStore } from '../store/run-store.js';
import { WorkItemStore, type WorkItem } from '../store/work-item-store.js';
import { followUpQueues } from '../domain/tenant-settings.js';
import { describeReason } from '../domain/work-item.js';
import { defaultLeaseMinutes, takeNext } from '../services/work-leases.js';
import { actionRequest, ClaimNotFoundError, recordAction } from '../services/claim-actions.js';
import { HistoryStore } from '../store/history-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { IdempotencyStore } from '../store/idempotency-store.js';
import { tenantSettings } from '../domain/tenant-settings.js';
import { createHash } from 'node:crypto';
import { clocksOf } from '../domain/clocks.js';
import { limitsFor } from '../domain/payer-rules.js';
import { ArAccumulator } from '../domain/ar-report.js';
import type { Role } from '../shared/auth.js';

const claims = new ClaimStore(dynamo(), tableName(), shardCount());
const workItems = new WorkItemStore(dynamo(), tableName());
const history = new HistoryStore(dynamo(), tableName());
const settingsStore = new TenantSettingsStore(dynamo(), tableName());
const idempotency = new IdempotencyStore(dynamo(), tableName());

/** Every read or change of a claim leaves an audit entry: who, what, when, which claim. */
const audit = (event: Event, caller: Caller, tenantId: string, action: string, claim?: string): Promise<void> =>
  history.audit({ tenantId, userId: caller.userId, action, ...(claim ? { claimId: claim } : {}), at: new Date().toISOString(), requestId: event.requestContext.requestId });
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

const noContent = (): Result => ({ statusCode: 204, headers: { 'cache-control': 'no-store' } });

/** A 400 problem naming each field zod refused. */
const badRequest = (error: z.ZodError): HttpProblem => {
  const errors = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  return new HttpProblem(400, 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
};

/** The query string validated by `schema`. */
const queryOf = <T>(event: Event, schema: z.ZodType<T>): T => {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (!result.success) throw badRequest(result.error);
  return result.data;
};

/** The request body as JSON validated by `schema`; a 400 naming each bad field otherwise. */
const body = <T>(event: Event, schema: z.ZodType<T>): T => {
  let json: unknown = {};
  if (event.body) {
    try {
      json = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body);
    } catch {
      throw new HttpProblem(400, 'Bad Request', 'the body is not JSON', { errors: [{ field: '(body)', message: 'not JSON' }] });
    }
  }
  const result = schema.safeParse(json);
  if (!result.success) throw badRequest(result.error);
  return result.data;
};

/** The tenant's local date; worked out once a minute, not for every item of every list. */
const todayCache = new Map<string, { date: string; until: number }>();
const todayIn = (tenant: string): string => {
  const cached = todayCache.get(tenant);
  if (cached && cached.until > Date.now()) return cached.date;
  const date = localDateAt(new Date().toISOString(), tenants.get(tenant)?.timeZone ?? 'UTC');
  todayCache.set(tenant, { date, until: Date.now() + 60_000 });
  return date;
};

/** A work item as the API shows it: reasons in words as of the tenant's today, days left on its deadline. */
const present = (item: WorkItem) => {
  const today = todayIn(item.tenantId);
  const { tenantId, claimId, queue, category, dollarsCents, dueOn, priority, assignee, leasedBy, leaseExpiresAt, followUpOn, openedOn } = item;
  return {
    tenantId,
    claimId,
    queue,
    ...(category ? { category } : {}),
    dollarsCents,
    ...(dueOn ? { dueOn, daysLeft: daysBetween(today, dueOn) } : {}),
    priority,
    reasons: item.reasons.map((r) => describeReason(r, today)),
    assignee,
    ...(leasedBy ? { leasedBy, leaseExpiresAt } : {}),
    ...(followUpOn ? { followUpOn } : {}),
    openedOn,
  };
};

const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);
const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    throw new HttpProblem(400, 'Bad Request', 'cursor: not a cursor this API gave', { errors: [{ field: 'cursor', message: 'invalid' }] });
  }
};

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
    pattern: /^\/openapi\.json$/,
    route: async () => json(200, openApi),
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
      const today = param(calendarDate.optional(), event.queryStringParameters?.asOf, 'asOf') ?? todayIn(tenant);
      const [item, actions, entries, settings] = await Promise.all([workItems.get(tenant, id), history.actions(tenant, id), claims.historyEntries(tenant, id), settingsStore.get(tenant)]);
      await audit(event, caller, tenant, 'read-claim', id);
      const { claim } = stored;
      const limits = limitsFor({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating }, today, settings.payerRules);
      return json(200, {
        ...claim,
        version: stored.version,
        age: ageOf(claim, today),
        clocks: clocksOf(claim, limits, item?.followUpOn).map((c) => ({ ...c, daysLeft: daysBetween(today, c.dueOn) })),
        workItem: item && item.status === 'open' ? present(item) : null,
        history: [
          ...entries.map(({ event: e, receivedAt }) => ({ at: e.occurredAt, kind: 'event', type: e.type, source: e.source, receivedAt })),
          ...actions.map((a) => ({ at: a.at, kind: 'action', type: a.type, outcome: a.outcome, userId: a.userId, ...(a.nextFollowUpOn ? { nextFollowUpOn: a.nextFollowUpOn } : {}) })),
        ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/queues$/,
    route: async (event) => {
      const caller = requireCaller(event);
      requireRole(caller, ['biller', 'manager']);
      const scope = event.queryStringParameters?.tenant ? [scopedTenant(caller, event)] : caller.tenants;
      const tenantsOut = await Promise.all(
        scope.map(async (tenant) => {
          const today = todayIn(tenant);
          const queues = await Promise.all(
            followUpQueues.map(async (queue) => {
              const items = await workItems.listQueue(tenant, queue);
              return {
                queue,
                count: items.length,
                dollarsCents: items.reduce((sum, i) => sum + i.dollarsCents, 0),
                oldestOpenedOn: items.map((i) => i.openedOn).sort()[0] ?? null,
                nearDeadline: items.filter((i) => i.dueOn !== undefined && daysBetween(today, i.dueOn) <= 14).length,
                leased: items.filter((i) => i.leasedBy && (i.leaseExpiresAt ?? '') > new Date().toISOString()).length,
              };
            }),
          );
          return { tenantId: tenant, name: tenants.get(tenant)?.name ?? tenant, queues };
        }),
      );
      return json(200, { tenants: tenantsOut });
    },
  },
  {
    method: 'POST',
    pattern: /^\/work-items\/(?<claimId>[^/]+)\/assign$/,
    route: async (event, params) => {
      const caller = requireCaller(event);
      requireRole(caller, ['manager']);
      const tenant = scopedTenant(caller, event);
      const id = param(claimId, params.claimId, 'claimId');
      const { assignee } = body(event, assignBody);
      const item = await workItems.get(tenant, id);
      if (!item || item.status !== 'open') throw new HttpProblem(404, 'Not Found');
      if (!(await workItems.assign(item, assignee))) throw new HttpProblem(409, 'Conflict', 'the work item changed; read it again');
      await audit(event, caller, tenant, 'assign-work', id);
      return json(200, present({ ...item, assignee, assignedManually: true }));
    },
  },
  {
    method: 'GET',
    pattern: /^\/reports\/aging$/,
    route: async (event) => {
      const caller = requireCaller(event);
      requireRole(caller, ['manager']);
      const query = queryOf(event, agingQuery);
      const tenant = scopedTenant(caller, event);
      const settings = await settingsStore.get(tenant);
      const report = new ArAccumulator(query.asOf ?? todayIn(tenant), query.basis, query.groupBy, settings.agingBuckets);
      // Page through every shard of the open-claims index: memory stays at one page.
      for (let shard = 0; shard < shardCount(); shard++) {
        let cursor: string | undefined;
        do {
          const page = await claims.pageOpenClaims(tenant, shard, 500, cursor);
          for (const { claim } of page.claims) report.add(claim);
          cursor = page.cursor;
        } while (cursor);
      }
      await audit(event, caller, tenant, 'read-aging-report');
      // Days in AR needs the practice's average daily charges, which this system does not hold yet.
      return json(200, { tenantId: tenant, ...report.report(), daysInAr: null });
    },
  },
  {
    method: 'GET',
    pattern: /^\/config\/settings$/,
    route: async (event) => {
      const caller = requireCaller(event);
      requireRole(caller, ['admin']);
      return json(200, await settingsStore.get(scopedTenant(caller, event)));
    },
  },
  {
    method: 'PUT',
    pattern: /^\/config\/settings$/,
    route: async (event) => {
      const caller = requireCaller(event);
      requireRole(caller, ['admin']);
      const tenant = scopedTenant(caller, event);
      // Validated in full before anything is saved.
      const settings = body(event, tenantSettings);
      return json(200, await settingsStore.put(tenant, settings, caller.userId, new Date().toISOString()));
    },
  },
  {
    method: 'POST',
    pattern: /^\/claims\/(?<claimId>[^/]+)\/actions$/,
    route: async (event, params) => {
      const caller = requireCaller(event);
      requireRole(caller, ['biller', 'manager']);
      const tenant = scopedTenant(caller, event);
      const id = param(claimId, params.claimId, 'claimId');
      const action = body(event, actionRequest);
      const today = todayIn(tenant);
      if (action.nextFollowUpOn && action.nextFollowUpOn <= today) {
        throw new HttpProblem(400, 'Bad Request', 'nextFollowUpOn: must be after today', { errors: [{ field: 'nextFollowUpOn', message: 'must be after today' }] });
      }
      try {
        const { workItem } = await recordAction({ claims, workItems, settings: settingsStore, history }, { tenantId: tenant, claimId: id, userId: caller.userId, action, now: new Date().toISOString(), today });
        await audit(event, caller, tenant, `action:${action.type}`, id);
        return json(201, { recorded: action.type, workItem: workItem && workItem.status === 'open' ? present(workItem) : null, followUpOn: workItem?.followUpOn ?? null });
      } catch (error) {
        if (error instanceof ClaimNotFoundError) throw new HttpProblem(404, 'Not Found');
        throw error;
      }
    },
  },
  {
    method: 'GET',
    pattern: /^\/work-items$/,
    route: async (event) => {
      const caller = requireCaller(event);
      requireRole(caller, ['biller', 'manager']);
      const query = queryOf(event, workItemQuery);
      const tenant = scopedTenant(caller, event);
      const cursor = decodeCursor(query.cursor);
      const page = query.assignee
        ? await workItems.pageAssignee(tenant, query.assignee === 'me' ? `biller:${caller.userId}` : 'pool', query.limit, cursor)
        : query.queue
          ? await workItems.pageQueue(tenant, query.queue, query.limit, cursor)
          : (() => {
              throw new HttpProblem(400, 'Bad Request', 'queue or assignee: give one of them', { errors: [{ field: 'queue', message: 'required unless assignee is given' }] });
            })();
      const items = query.queue && query.assignee ? page.items.filter((i) => i.queue === query.queue) : page.items;
      return json(200, { items: items.map(present), ...(page.cursor ? { cursor: encodeCursor(page.cursor) } : {}) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/work-items\/next$/,
    route: async (event) => {
      const caller = requireCaller(event);
      requireRole(caller, ['biller', 'manager']);
      const request = body(event, nextBody);
      if (request.tenant && !caller.tenants.includes(request.tenant)) throw new HttpProblem(404, 'Not Found');
      const item = await takeNext(workItems, { tenants: request.tenant ? [request.tenant] : caller.tenants, userId: caller.userId, now: new Date(), queue: request.queue });
      if (!item) return noContent();
      await audit(event, caller, item.tenantId, 'take-work', item.claimId);
      return json(200, present(item));
    },
  },
  {
    method: 'POST',
    pattern: /^\/work-items\/(?<claimId>[^/]+)\/(?<verb>renew|release)$/,
    route: async (event, params) => {
      const caller = requireCaller(event);
      requireRole(caller, ['biller', 'manager']);
      const tenant = scopedTenant(caller, event);
      const id = param(claimId, params.claimId, 'claimId');
      const item = await workItems.get(tenant, id);
      if (!item) throw new HttpProblem(404, 'Not Found');
      const now = new Date();
      if (params.verb === 'release') {
        if (!(await workItems.release(item, caller.userId, now.toISOString()))) throw new HttpProblem(409, 'Conflict', 'you do not hold a lease on this work item');
        return noContent();
      }
      const until = new Date(now.getTime() + defaultLeaseMinutes * 60_000).toISOString();
      if (item.leasedBy !== caller.userId || !(await workItems.lease(item, caller.userId, now.toISOString(), until))) {
        throw new HttpProblem(409, 'Conflict', 'you do not hold a lease on this work item');
      }
      return json(200, present({ ...item, leasedBy: caller.userId, leaseExpiresAt: until }));
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

/**
 * Honours Idempotency-Key on POST: the same key with the same request returns the first answer without doing the
 * work again; with a different request it is refused (422); while the first is still running, 409.
 */
const once = async (event: Event, key: string, run: () => Promise<Result>): Promise<Result> => {
  const caller = requireCaller(event);
  if (!/^[A-Za-z0-9._:-]{8,128}$/.test(key)) {
    throw new HttpProblem(400, 'Bad Request', 'Idempotency-Key: 8-128 letters, digits, dot, dash, colon, underscore', { errors: [{ field: 'Idempotency-Key', message: 'invalid' }] });
  }
  const scope = caller.tenants[0] ?? '_none';
  const fingerprint = createHash('sha256').update(`${event.requestContext.http.method} ${event.rawPath}?${event.rawQueryString}\n${event.body ?? ''}`).digest('hex');
  const claimed = await idempotency.claim(scope, caller.userId, key, fingerprint, Date.now());
  if (claimed.state === 'done') return { ...claimed.response, headers: { ...claimed.response.headers, 'idempotent-replayed': 'true' } };
  if (claimed.state === 'mismatch') throw new HttpProblem(422, 'Unprocessable Content', 'Idempotency-Key was already used for a different request');
  if (claimed.state === 'in-progress') throw new HttpProblem(409, 'Conflict', 'a request with this Idempotency-Key is still running');
  let result: Result;
  try {
    result = await run();
  } catch (error) {
    // Only answers we gave are kept; a failure on our side may be retried with the same key.
    if (error instanceof HttpProblem && error.status < 500) result = problem(error, event.rawPath);
    else {
      await idempotency.forget(scope, caller.userId, key);
      throw error;
    }
  }
  await idempotency.complete(scope, caller.userId, key, fingerprint, { statusCode: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, body: result.body ?? '' }, Date.now());
  return result;
};

export const route = async (event: Event): Promise<Result> => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  try {
    const matches = routes.filter((r) => r.pattern.test(path));
    if (matches.length === 0) throw new HttpProblem(404, 'Not Found');
    const match = matches.find((r) => r.method === method);
    if (!match) throw new HttpProblem(405, 'Method Not Allowed');
    const run = () => match.route(event, path.match(match.pattern)?.groups ?? {});
    const key = event.headers?.['idempotency-key'];
    return method === 'POST' && key ? await once(event, key, run) : await run();
  } catch (error) {
    if (error instanceof HttpProblem) return problem(error, path);
    logger.error('request failed', { method, routeKey: event.routeKey, error: (error as Error).name });
    return problem(new HttpProblem(500, 'Internal Server Error'), path);
  }
};

export const handler = withObservability(async (event: Event) => route(event));
