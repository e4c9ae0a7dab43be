// Lambda: the biller HTTP API. Tenant scope and role come from the token; errors are application/problem+json.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { ageOf } from '../domain/aging.js';
import { daysBetween, localDateAt } from '../domain/calendar.js';
import { calendarDate, claimId } from '../domain/claim-events.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { agingQuery, claimQuery, assignBody, nextBody, workItemQuery } from '../api/schemas.js';
import { openApiDocument } from '../api/openapi.js';
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
import { claimHistoryPage, InvalidHistoryCursor } from '../services/claim-history.js';
import { actionRequest, ClaimNotFoundError, recordAction } from '../services/claim-actions.js';
import { HistoryStore } from '../store/history-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { IdempotencyStore, type IdempotencyScope, type StoredAudit } from '../store/idempotency-store.js';
import { assigneeIndexKey, claimPartition, queueIndexKey, workItemKey } from '../store/keys.js';
import { tableDesign } from '../shared/resources.js';
import { tenantSettings } from '../domain/tenant-settings.js';
import { createHash } from 'node:crypto';
import { clocksOf } from '../domain/clocks.js';
import { limitsFor } from '../domain/payer-rules.js';
import { ArAccumulator } from '../domain/ar-report.js';
import type { Role } from '../shared/auth.js';

const openApi = openApiDocument();

const claims = new ClaimStore(dynamo(), tableName(), shardCount());
const workItems = new WorkItemStore(dynamo(), tableName());
const history = new HistoryStore(dynamo(), tableName());
const settingsStore = new TenantSettingsStore(dynamo(), tableName());
const idempotency = new IdempotencyStore(dynamo(), tableName());

/** Every read or change of a claim leaves an audit entry: who, what, when, which claim. */
const writeAudit = (event: Event, caller: Caller, entry: StoredAudit): Promise<void> =>
  history.audit({ tenantId: entry.tenantId, userId: caller.userId, action: entry.action, ...(entry.claimId ? { claimId: entry.claimId } : {}), at: new Date().toISOString(), requestId: event.requestContext.requestId });
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

/** Largest request body: settings are the biggest and must fit one DynamoDB item (400 KB) once stored. */
export const maxBodyBytes = 256 * 1024;

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

// Cursors of GET /work-items are bound to the listing they page: the tenant, the index partition (queue or
// assignee) and the queue filter. A cursor of anything else, or not of ours at all, is a 400 naming `cursor`.
interface Listing {
  readonly tenant: string;
  /** What is paged, e.g. `queue:denials` or `assignee:biller:u1|queue:denials`. */
  readonly name: string;
  readonly index: { readonly partitionKey: string; readonly sortKey: string };
  /** The index partition this listing reads: the only one a cursor of it may point into. */
  readonly partition: string;
}

const badCursor = (): HttpProblem =>
  new HttpProblem(400, 'Bad Request', 'cursor: not a cursor of this listing', { errors: [{ field: 'cursor', message: 'not a cursor of this listing' }] });

const keyPart = z.string().min(1).max(1024);
const cursorEnvelope = z.strictObject({ tenant: z.string(), listing: z.string(), key: z.record(z.string(), z.unknown()) });

const encodeCursor = (listing: Listing, key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify({ tenant: listing.tenant, listing: listing.name, key })).toString('base64url') : undefined;

const decodeCursor = (listing: Listing, cursor: string | undefined): Record<string, unknown> | undefined => {
  if (cursor === undefined) return undefined;
  if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw badCursor();
  }
  const envelope = cursorEnvelope.safeParse(decoded);
  if (!envelope.success || envelope.data.tenant !== listing.tenant || envelope.data.listing !== listing.name) throw badCursor();
  // Exactly the attributes DynamoDB returns as LastEvaluatedKey of this index: the item's key and its index key.
  const key = z
    .strictObject({ [tableDesign.partitionKey]: keyPart, [tableDesign.sortKey]: keyPart, [listing.index.partitionKey]: keyPart, [listing.index.sortKey]: keyPart })
    .safeParse(envelope.data.key);
  if (!key.success) throw badCursor();
  const item = workItemKey(listing.tenant, '');
  const valid =
    key.data[listing.index.partitionKey] === listing.partition &&
    key.data[tableDesign.partitionKey]!.startsWith(claimPartition(listing.tenant, '')) &&
    key.data[tableDesign.sortKey] === item[tableDesign.sortKey];
  if (!valid) throw badCursor();
  return key.data;
};

/** Who may call a route: anyone, any signed-in user, or a user with one of the roles. */
type Access = 'public' | 'signed-in' | readonly Role[];

/**
 * How a route's tenant is resolved, before anything else of the request is read:
 * - `none`: the route is about no tenant;
 * - `query`: the query's `tenant` (or the caller's only tenant), which must be one of the caller's;
 * - `query-or-all`: the query's `tenant` when given, else every tenant of the caller;
 * - `body-or-all`: the body's `tenant` when given, else every tenant of the caller (the tenants it may take from).
 */
type TenantRule = 'none' | 'query' | 'query-or-all' | 'body-or-all';

/** What the dispatcher hands a route once the caller, role and tenant checks have passed. */
interface Request<A extends Access, T extends TenantRule> {
  readonly event: Event;
  readonly params: Record<string, string>;
  readonly caller: A extends 'public' ? Caller | undefined : Caller;
  /** The one tenant of a `query` route. */
  readonly tenant: T extends 'query' ? string : undefined;
  /** Every tenant the request may touch (the one tenant of a `query` route). */
  readonly tenants: readonly string[];
  /** Records what the answer read or changed; the dispatcher writes it after the route body, and on every replay. */
  audit(entry: StoredAudit): void;
}

interface RouteDeclaration<A extends Access = Access, T extends TenantRule = TenantRule> {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI path template, e.g. `/claims/{claimId}`. */
  readonly path: string;
  /** The OpenAPI operation id; also scopes Idempotency-Keys. */
  readonly operationId: string;
  readonly access: A;
  readonly tenant: T;
  readonly handle: (request: Request<A, T>) => Promise<Result>;
}

/** Declares a route: the declaration and its body sit together, and the dispatcher alone enforces the declaration. */
const declare = <A extends Access, T extends TenantRule>(route: RouteDeclaration<A, T>): RouteDeclaration => route as unknown as RouteDeclaration;

export const routes: readonly RouteDeclaration[] = [
  declare({
    method: 'GET',
    path: '/health',
    operationId: 'health',
    access: 'public',
    tenant: 'none',
    handle: async () => {
      // Healthy when the table answers: a read of a key that never exists.
      await claims.get('_health', '_health');
      return json(200, { status: 'ok' });
    },
  }),
  declare({ method: 'GET', path: '/openapi.json', operationId: 'openapi', access: 'public', tenant: 'none', handle: async () => json(200, openApi) }),
  declare({ method: 'GET', path: '/me', operationId: 'me', access: 'signed-in', tenant: 'none', handle: async ({ caller }) => json(200, caller) }),
  declare({
    method: 'GET',
    path: '/claims/{claimId}',
    operationId: 'getClaim',
    access: ['biller', 'manager'],
    tenant: 'query',
    handle: async ({ event, params, tenant, audit }) => {
      const id = param(claimId, params.claimId, 'claimId');
      const stored = await claims.get(tenant, id);
      if (!stored) throw new HttpProblem(404, 'Not Found');
      const query = queryOf(event, claimQuery);
      const today = query.asOf ?? todayIn(tenant);
      const [item, page, settings] = await Promise.all([
        workItems.get(tenant, id),
        claimHistoryPage({ claims, history }, tenant, id, query.historyLimit, query.historyBefore).catch((error: Error) => {
          if (error instanceof InvalidHistoryCursor) {
            throw new HttpProblem(400, 'Bad Request', 'historyBefore: not a cursor of this history', { errors: [{ field: 'historyBefore', message: 'not a cursor of this history' }] });
          }
          throw error;
        }),
        settingsStore.get(tenant),
      ]);
      audit({ tenantId: tenant, action: 'read-claim', claimId: id });
      const { claim } = stored;
      const limits = limitsFor({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating }, today, settings.payerRules);
      return json(200, {
        ...claim,
        version: stored.version,
        age: ageOf(claim, today),
        clocks: clocksOf(claim, limits, item?.followUpOn).map((c) => ({ ...c, daysLeft: daysBetween(today, c.dueOn) })),
        workItem: item && item.status === 'open' ? present(item) : null,
        // The latest entries, oldest first; `historyCursor` asks for the ones before them.
        history: page.items,
        ...(page.cursor ? { historyCursor: page.cursor } : {}),
      });
    },
  }),
  declare({
    method: 'GET',
    path: '/queues',
    operationId: 'listQueues',
    access: ['biller', 'manager'],
    tenant: 'query-or-all',
    handle: async ({ tenants: scope }) => {
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
  }),
  declare({
    method: 'POST',
    path: '/work-items/{claimId}/assign',
    operationId: 'assignWorkItem',
    access: ['manager'],
    tenant: 'query',
    handle: async ({ event, params, tenant, audit }) => {
      const id = param(claimId, params.claimId, 'claimId');
      const { assignee } = body(event, assignBody);
      const item = await workItems.get(tenant, id);
      if (!item || item.status !== 'open') throw new HttpProblem(404, 'Not Found');
      if (!(await workItems.assign(item, assignee))) throw new HttpProblem(409, 'Conflict', 'the work item changed; read it again');
      audit({ tenantId: tenant, action: 'assign-work', claimId: id });
      return json(200, present({ ...item, assignee, assignedManually: true }));
    },
  }),
  declare({
    method: 'GET',
    path: '/reports/aging',
    operationId: 'agingReport',
    access: ['manager'],
    tenant: 'query',
    handle: async ({ event, tenant, audit }) => {
      const query = queryOf(event, agingQuery);
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
      audit({ tenantId: tenant, action: 'read-aging-report' });
      // Days in AR needs the practice's average daily charges, which this system does not hold yet.
      return json(200, { tenantId: tenant, ...report.report(), daysInAr: null });
    },
  }),
  declare({
    method: 'GET',
    path: '/config/settings',
    operationId: 'getSettings',
    access: ['admin'],
    tenant: 'query',
    handle: async ({ tenant }) => json(200, await settingsStore.get(tenant)),
  }),
  declare({
    method: 'PUT',
    path: '/config/settings',
    operationId: 'putSettings',
    access: ['admin'],
    tenant: 'query',
    handle: async ({ event, tenant, caller }) => {
      // Validated in full before anything is saved; the schema bounds it to what one item holds.
      const settings = body(event, tenantSettings);
      return json(200, await settingsStore.put(tenant, settings, caller.userId, new Date().toISOString()));
    },
  }),
  declare({
    method: 'POST',
    path: '/claims/{claimId}/actions',
    operationId: 'recordAction',
    access: ['biller', 'manager'],
    tenant: 'query',
    handle: async ({ event, params, tenant, caller, audit }) => {
      const id = param(claimId, params.claimId, 'claimId');
      const action = body(event, actionRequest);
      const today = todayIn(tenant);
      if (action.nextFollowUpOn && action.nextFollowUpOn <= today) {
        throw new HttpProblem(400, 'Bad Request', 'nextFollowUpOn: must be after today', { errors: [{ field: 'nextFollowUpOn', message: 'must be after today' }] });
      }
      try {
        const { workItem } = await recordAction({ claims, workItems, settings: settingsStore, history }, { tenantId: tenant, claimId: id, userId: caller.userId, action, now: new Date().toISOString(), today });
        audit({ tenantId: tenant, action: `action:${action.type}`, claimId: id });
        return json(201, { recorded: action.type, workItem: workItem && workItem.status === 'open' ? present(workItem) : null, followUpOn: workItem?.followUpOn ?? null });
      } catch (error) {
        if (error instanceof ClaimNotFoundError) throw new HttpProblem(404, 'Not Found');
        throw error;
      }
    },
  }),
  declare({
    method: 'GET',
    path: '/work-items',
    operationId: 'listWorkItems',
    access: ['biller', 'manager'],
    tenant: 'query',
    handle: async ({ event, tenant, caller }) => {
      const query = queryOf(event, workItemQuery);
      const filter = query.queue && query.assignee ? `|queue:${query.queue}` : '';
      const assignee = query.assignee === 'me' ? `biller:${caller.userId}` : 'pool';
      const { workQueue, assigneeQueue } = tableDesign.indexes;
      const listing: Listing = query.assignee
        ? { tenant, name: `assignee:${assignee}${filter}`, index: assigneeQueue, partition: assigneeIndexKey(tenant, assignee, '')[assigneeQueue.partitionKey]! }
        : query.queue
          ? { tenant, name: `queue:${query.queue}`, index: workQueue, partition: queueIndexKey(tenant, query.queue, '')[workQueue.partitionKey]! }
          : (() => {
              throw new HttpProblem(400, 'Bad Request', 'queue or assignee: give one of them', { errors: [{ field: 'queue', message: 'required unless assignee is given' }] });
            })();
      const cursor = decodeCursor(listing, query.cursor);
      const page = await (query.assignee ? workItems.pageAssignee(tenant, assignee, query.limit, cursor) : workItems.pageQueue(tenant, query.queue!, query.limit, cursor)).catch((error: unknown) => {
        // A well-formed cursor DynamoDB still refuses as a start key is a bad cursor, not our failure.
        if (cursor && (error as Error).name === 'ValidationException') throw badCursor();
        throw error;
      });
      const items = query.queue && query.assignee ? page.items.filter((i) => i.queue === query.queue) : page.items;
      const next = encodeCursor(listing, page.cursor);
      return json(200, { items: items.map(present), ...(next ? { cursor: next } : {}) });
    },
  }),
  declare({
    method: 'POST',
    path: '/work-items/next',
    operationId: 'takeNextWorkItem',
    access: ['biller', 'manager'],
    tenant: 'body-or-all',
    handle: async ({ event, tenants: scope, caller, audit }) => {
      const request = body(event, nextBody);
      const item = await takeNext(workItems, { tenants: scope, userId: caller.userId, now: new Date(), queue: request.queue });
      if (!item) return noContent();
      audit({ tenantId: item.tenantId, action: 'take-work', claimId: item.claimId });
      return json(200, present(item));
    },
  }),
  ...(['renew', 'release'] as const).map((verb) =>
    declare({
      method: 'POST',
      path: `/work-items/{claimId}/${verb}`,
      operationId: verb === 'renew' ? 'renewLease' : 'releaseLease',
      access: ['biller', 'manager'],
      tenant: 'query',
      handle: async ({ params, tenant, caller }) => {
        const id = param(claimId, params.claimId, 'claimId');
        const item = await workItems.get(tenant, id);
        if (!item) throw new HttpProblem(404, 'Not Found');
        const now = new Date();
        if (verb === 'release') {
          if (!(await workItems.release(item, caller.userId, now.toISOString()))) throw new HttpProblem(409, 'Conflict', 'you do not hold a lease on this work item');
          return noContent();
        }
        const until = new Date(now.getTime() + defaultLeaseMinutes * 60_000).toISOString();
        if (item.leasedBy !== caller.userId || !(await workItems.lease(item, caller.userId, now.toISOString(), until))) {
          throw new HttpProblem(409, 'Conflict', 'you do not hold a lease on this work item');
        }
        return json(200, present({ ...item, leasedBy: caller.userId, leaseExpiresAt: until }));
      },
    }),
  ),
  declare({
    method: 'GET',
    path: '/runs/{runDate}',
    operationId: 'getRun',
    access: ['manager', 'admin'],
    tenant: 'query',
    handle: async ({ params, tenant }) => {
      const runDate = param(calendarDate, params.runDate, 'runDate');
      const run = await runs.get(tenant, runDate);
      if (!run) throw new HttpProblem(404, 'Not Found');
      return json(200, run);
    },
  }),
];

/** Each declared path as a pattern; `{name}` matches one path segment. */
const compiled = routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

// ---- the checks every route passes, in this order: caller (401) → role (403) → tenant scope (404) → idempotency
// ---- → route body → audit. They live here only, so no route (and no replay) can skip one.

const authenticate = (event: Event, access: Access): Caller | undefined => {
  const caller = callerOf(event);
  if (!caller && access !== 'public') throw new HttpProblem(401, 'Unauthorized', 'a valid bearer token is required');
  return caller;
};

const authorize = (caller: Caller | undefined, access: Access): void => {
  if (typeof access === 'string') return;
  if (!caller!.roles.some((role) => access.includes(role))) throw new HttpProblem(403, 'Forbidden', `requires one of the roles: ${access.join(', ')}`);
};

const notFound = (): HttpProblem => new HttpProblem(404, 'Not Found');

/** Idempotency scope of a request over all of the caller's tenants (not a tenant id: those start with a letter or digit). */
const allTenantsScope = '_scope';

interface TenantScope {
  readonly tenant?: string;
  readonly tenants: readonly string[];
  /** The tenant part of the Idempotency-Key's scope. */
  readonly keyTenant: string;
}

/** The tenants a request is about; one outside the caller's scope answers 404, exactly as a missing resource does. */
const resolveTenant = (rule: TenantRule, caller: Caller | undefined, event: Event): TenantScope => {
  if (rule === 'none' || !caller) return { tenants: [], keyTenant: allTenantsScope };
  const inScope = (tenant: string): string => {
    if (!caller.tenants.includes(tenant)) throw notFound();
    return tenant;
  };
  const named = rule === 'body-or-all' ? body(event, z.looseObject({ tenant: z.string().optional() })).tenant : event.queryStringParameters?.tenant;
  if (rule === 'query') {
    const only = caller.tenants.length === 1 ? caller.tenants[0] : undefined;
    const tenant = inScope(param(z.string().min(1), named ?? only, 'tenant'));
    return { tenant, tenants: [tenant], keyTenant: tenant };
  }
  if (named) return { tenant: inScope(named), tenants: [named], keyTenant: named };
  return { tenants: caller.tenants, keyTenant: allTenantsScope };
};

const bodyBytes = (event: Event): number => (event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0);

const idempotencyKeyPattern = /^[A-Za-z0-9._:-]{8,128}$/;

const dispatch = async (event: Event, route: RouteDeclaration, params: Record<string, string>): Promise<Result> => {
  const caller = authenticate(event, route.access);
  authorize(caller, route.access);
  if (bodyBytes(event) > maxBodyBytes) {
    throw new HttpProblem(413, 'Content Too Large', `(body): at most ${maxBodyBytes} bytes`, { errors: [{ field: '(body)', message: `at most ${maxBodyBytes} bytes` }] });
  }
  const scope = resolveTenant(route.tenant, caller, event);

  const key = route.method === 'POST' && caller ? event.headers?.['idempotency-key'] : undefined;
  if (key !== undefined && !idempotencyKeyPattern.test(key)) {
    throw new HttpProblem(400, 'Bad Request', 'Idempotency-Key: 8-128 letters, digits, dot, dash, colon, underscore', { errors: [{ field: 'Idempotency-Key', message: 'invalid' }] });
  }
  const keyScope: IdempotencyScope | undefined = key !== undefined ? { tenantId: scope.keyTenant, userId: caller!.userId, route: route.operationId } : undefined;
  const fingerprint = createHash('sha256').update(`${event.requestContext.http.method} ${event.rawPath}?${event.rawQueryString}\n${event.body ?? ''}`).digest('hex');
  if (keyScope) {
    const claimed = await idempotency.claim(keyScope, key!, fingerprint, Date.now());
    if (claimed.state === 'mismatch') throw new HttpProblem(422, 'Unprocessable Content', 'Idempotency-Key was already used for a different request');
    if (claimed.state === 'in-progress') throw new HttpProblem(409, 'Conflict', 'a request with this Idempotency-Key is still running');
    if (claimed.state === 'done') {
      const { audit: stored, statusCode, headers, body: storedBody } = claimed.response;
      // The answer is about a tenant the caller may no longer work (a request over all their tenants): not theirs.
      if (stored && !scope.tenants.includes(stored.tenantId)) throw notFound();
      if (stored) await writeAudit(event, caller!, { ...stored, action: `replay:${stored.action}` });
      return { statusCode, headers: { ...headers, 'idempotent-replayed': 'true' }, body: storedBody };
    }
  }

  let audit: StoredAudit | undefined;
  let result: Result;
  try {
    result = await route.handle({ event, params, caller, tenant: scope.tenant, tenants: scope.tenants, audit: (entry) => void (audit = entry) } as Request<Access, TenantRule>);
    if (audit && caller) await writeAudit(event, caller, audit);
  } catch (error) {
    // Only answers we gave are kept; a failure on our side may be retried with the same key.
    if (keyScope && error instanceof HttpProblem && error.status < 500) result = problem(error, event.rawPath);
    else {
      if (keyScope) await idempotency.forget(keyScope, key!);
      throw error;
    }
  }
  if (keyScope) {
    const stored = { statusCode: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, body: result.body ?? '', ...(audit ? { audit } : {}) };
    await idempotency.complete(keyScope, key!, fingerprint, stored, Date.now());
  }
  return result;
};

export const route = async (event: Event): Promise<Result> => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  try {
    const matches = compiled.filter((r) => r.pattern.test(path));
    if (matches.length === 0) throw new HttpProblem(404, 'Not Found');
    const match = matches.find((r) => r.route.method === method);
    if (!match) throw new HttpProblem(405, 'Method Not Allowed');
    return await dispatch(event, match.route, path.match(match.pattern)?.groups ?? {});
  } catch (error) {
    if (error instanceof HttpProblem) return problem(error, path);
    logger.error('request failed', { method, routeKey: event.routeKey, error: (error as Error).name });
    return problem(new HttpProblem(500, 'Internal Server Error'), path);
  }
};

export const handler = withObservability(async (event: Event) => route(event));
