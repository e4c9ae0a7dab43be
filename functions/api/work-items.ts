// Routes of the follow-up work: ranked listings with cursors, leasing the next item, renewing, releasing, reassigning.
import { claimId } from '../domain/claim-events.js';
import { leaseEnd } from '../domain/queue-totals.js';
import { isOnRoster } from '../domain/tenant-settings.js';
import { ActionRefused } from '../services/claim-actions.js';
import { defaultLeaseMinutes, takeNext } from '../services/work-leases.js';
import { decideWriteOff, WriteOffConflict } from '../services/write-off-approval.js';
import { tableDesign } from '../shared/resources.js';
import { assigneeIndexKey, queueIndexKey } from '../store/keys.js';
import type { WorkItemFilter } from '../store/work-item-store.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, HttpProblem, json, noContent, notFound, unprocessable } from './http.js';
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
      const assignee = query.assignee === 'me' ? `biller:${caller.userId}` : query.assignee;
      const filter: WorkItemFilter = {
        ...(assignee && query.queue ? { queue: query.queue } : {}),
        ...(query.payer ? { payerId: query.payer } : {}),
        ...(query.status ? { claimStatus: query.status } : {}),
        ...(query.serviceOnOrAfter ? { serviceOnOrAfter: query.serviceOnOrAfter } : {}),
        ...(query.serviceOnOrBefore ? { serviceOnOrBefore: query.serviceOnOrBefore } : {}),
        ...(query.minCents !== undefined ? { minCents: query.minCents } : {}),
        ...(query.maxCents !== undefined ? { maxCents: query.maxCents } : {}),
      };
      // A cursor belongs to its listing and its filters: another filter is another listing.
      const filterName = Object.entries(filter).map(([k, v]) => `|${k}:${String(v)}`).join('');
      const { workQueue, assigneeQueue } = tableDesign.indexes;
      const listing: Listing = assignee
        ? { tenant, name: `assignee:${assignee}${filterName}`, index: assigneeQueue, partition: assigneeIndexKey(tenant, assignee, '')[assigneeQueue.partitionKey]! }
        : query.queue
          ? { tenant, name: `queue:${query.queue}${filterName}`, index: workQueue, partition: queueIndexKey(tenant, query.queue, '')[workQueue.partitionKey]! }
          : (() => {
              throw fieldProblem('queue', 'required unless assignee is given', 'queue or assignee: give one of them');
            })();
      const cursor = decodeCursor(listing, query.cursor);
      const { workItems } = deps;
      const page = await (assignee ? workItems.pageAssignee(tenant, assignee, query.limit, cursor, filter) : workItems.pageQueue(tenant, query.queue!, query.limit, cursor, filter)).catch((error: unknown) => {
        // A well-formed cursor DynamoDB still refuses as a start key is a bad cursor, not our failure.
        if (cursor && (error as Error).name === 'ValidationException') throw badCursor();
        throw error;
      });
      const next = encodeCursor(listing, page.cursor);
      const today = deps.todayIn(tenant);
      return json(200, { items: page.items.map((item) => presentWorkItem(deps, item, today)), ...(next ? { cursor: next } : {}) });
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
      const until = leaseEnd(now, defaultLeaseMinutes);
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
      const [item, settings] = await Promise.all([deps.workItems.get(tenant, params.claimId), deps.settings.get(tenant)]);
      if (!item || item.status !== 'open') throw notFound();
      if (!isOnRoster(settings, assignee)) throw unprocessable('assignee', `${assignee} is not on this practice's roster (its billers and their teams in the settings), nor the pool`);
      if (!(await deps.workItems.assign(item, assignee))) throw new HttpProblem(409, 'Conflict', 'the work item changed; read it again');
      audit({ tenantId: tenant, action: 'assign-work', claimId: params.claimId });
      return json(200, presentWorkItem(deps, { ...item, assignee, assignedManually: true }));
    },
  }),
  ...(['approve', 'decline'] as const).map((decision) =>
    declare({
      method: 'POST',
      path: `/work-items/{claimId}/write-off/${decision}`,
      operationId: decision === 'approve' ? 'approveWriteOff' : 'declineWriteOff',
      summary: decision === 'approve' ? 'Approve a write-off request: the claim is written off and leaves follow-up' : 'Decline a write-off request, with a note: the work goes back to the biller who asked',
      access: ['manager'],
      tenant: 'query',
      params: { claimId },
      query: s.tenantQuery,
      body: s.writeOffDecisionBody,
      ok: { status: 200, schema: s.actionRecorded },
      handle: async ({ params, tenant, caller, body, audit }, deps) => {
        const today = deps.todayIn(tenant);
        try {
          const { claims, workItems, settings, history } = deps;
          const { workItem } = await decideWriteOff({ claims, workItems, settings, history }, { tenantId: tenant, claimId: params.claimId, userId: caller.userId, decision, ...(body.note ? { note: body.note } : {}), now: new Date().toISOString(), today });
          audit({ tenantId: tenant, action: `${decision}-write-off`, claimId: params.claimId });
          return json(200, { recorded: `write-off-${decision === 'approve' ? 'approved' : 'declined'}`, workItem: workItem?.status === 'open' ? presentWorkItem(deps, workItem, today) : null, followUpOn: workItem?.followUpOn ?? null });
        } catch (error) {
          if (error instanceof WriteOffConflict) throw new HttpProblem(409, 'Conflict', error.message);
          if (error instanceof ActionRefused) throw unprocessable(error.field, error.message);
          throw error;
        }
      },
    }),
  ),
];
