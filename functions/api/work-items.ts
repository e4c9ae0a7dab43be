// Routes of the follow-up work: ranked listings with cursors, leasing the next item, renewing, releasing, reassigning.
import { claimId } from '../domain/claim-events.js';
import { defaultLeaseMinutes, takeNext } from '../services/work-leases.js';
import { tableDesign } from '../shared/resources.js';
import { assigneeIndexKey, queueIndexKey } from '../store/keys.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, HttpProblem, json, noContent, notFound } from './http.js';
import { badCursor, decodeCursor, encodeCursor, type Listing } from './listing-cursor.js';
import * as s from './schemas.js';
import { presentWorkItem } from './work-item-view.js';

const notYourLease = (): HttpProblem => new HttpProblem(409, 'Conflict', 'you do not hold a lease on this work item');

export const workItemRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/work-items',
    operationId: 'listWorkItems',
    summary: 'Ranked work items of a queue, or mine, or the pool',
    access: ['biller', 'manager'],
    tenant: 'query',
    query: s.workItemQuery,
    ok: { status: 200, schema: s.workItemPage },
    handle: async ({ tenant, caller, query }, deps) => {
      const filter = query.queue && query.assignee ? `|queue:${query.queue}` : '';
      const assignee = query.assignee === 'me' ? `biller:${caller.userId}` : 'pool';
      const { workQueue, assigneeQueue } = tableDesign.indexes;
      const listing: Listing = query.assignee
        ? { tenant, name: `assignee:${assignee}${filter}`, index: assigneeQueue, partition: assigneeIndexKey(tenant, assignee, '')[assigneeQueue.partitionKey]! }
        : query.queue
          ? { tenant, name: `queue:${query.queue}`, index: workQueue, partition: queueIndexKey(tenant, query.queue, '')[workQueue.partitionKey]! }
          : (() => {
              throw fieldProblem('queue', 'required unless assignee is given', 'queue or assignee: give one of them');
            })();
      const cursor = decodeCursor(listing, query.cursor);
      const { workItems } = deps;
      const page = await (query.assignee ? workItems.pageAssignee(tenant, assignee, query.limit, cursor) : workItems.pageQueue(tenant, query.queue!, query.limit, cursor)).catch((error: unknown) => {
        // A well-formed cursor DynamoDB still refuses as a start key is a bad cursor, not our failure.
        if (cursor && (error as Error).name === 'ValidationException') throw badCursor();
        throw error;
      });
      const items = query.queue && query.assignee ? page.items.filter((i) => i.queue === query.queue) : page.items;
      const next = encodeCursor(listing, page.cursor);
      return json(200, { items: items.map((item) => presentWorkItem(deps, item)), ...(next ? { cursor: next } : {}) });
    },
  }),
  declare({
    method: 'POST',
    path: '/work-items/next',
    operationId: 'takeNextWorkItem',
    summary: 'Lease the best available work item (30 minutes)',
    access: ['biller', 'manager'],
    tenant: 'body-or-all',
    body: s.nextBody,
    ok: { status: 200, schema: s.workItemView },
    noContent: true,
    handle: async ({ tenants, caller, body, audit }, deps) => {
      const item = await takeNext(deps.workItems, { tenants, userId: caller.userId, now: new Date(), queue: body.queue });
      if (!item) return noContent();
      audit({ tenantId: item.tenantId, action: 'take-work', claimId: item.claimId });
      return json(200, presentWorkItem(deps, item));
    },
  }),
  declare({
    method: 'POST',
    path: '/work-items/{claimId}/renew',
    operationId: 'renewLease',
    summary: 'Extend my lease',
    access: ['biller', 'manager'],
    tenant: 'query',
    params: { claimId },
    query: s.tenantQuery,
    ok: { status: 200, schema: s.workItemView },
    handle: async ({ params, tenant, caller }, deps) => {
      const item = await deps.workItems.get(tenant, params.claimId);
      if (!item) throw notFound();
      const now = new Date();
      const until = new Date(now.getTime() + defaultLeaseMinutes * 60_000).toISOString();
      if (item.leasedBy !== caller.userId || !(await deps.workItems.lease(item, caller.userId, now.toISOString(), until))) throw notYourLease();
      return json(200, presentWorkItem(deps, { ...item, leasedBy: caller.userId, leaseExpiresAt: until }));
    },
  }),
  declare({
    method: 'POST',
    path: '/work-items/{claimId}/release',
    operationId: 'releaseLease',
    summary: 'Give my lease back',
    access: ['biller', 'manager'],
    tenant: 'query',
    params: { claimId },
    query: s.tenantQuery,
    ok: { status: 204 },
    handle: async ({ params, tenant, caller }, { workItems }) => {
      const item = await workItems.get(tenant, params.claimId);
      if (!item) throw notFound();
      if (!(await workItems.release(item, caller.userId, new Date().toISOString()))) throw notYourLease();
      return noContent();
    },
  }),
  declare({
    method: 'POST',
    path: '/work-items/{claimId}/assign',
    operationId: 'assignWorkItem',
    summary: 'Reassign a work item',
    access: ['manager'],
    tenant: 'query',
    params: { claimId },
    query: s.tenantQuery,
    body: s.assignBody,
    ok: { status: 200, schema: s.workItemView },
    handle: async ({ params, tenant, body: { assignee }, audit }, deps) => {
      const item = await deps.workItems.get(tenant, params.claimId);
      if (!item || item.status !== 'open') throw notFound();
      if (!(await deps.workItems.assign(item, assignee))) throw new HttpProblem(409, 'Conflict', 'the work item changed; read it again');
      audit({ tenantId: tenant, action: 'assign-work', claimId: params.claimId });
      return json(200, presentWorkItem(deps, { ...item, assignee, assignedManually: true }));
    },
  }),
];
