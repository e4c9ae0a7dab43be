// Routes of a claim: read it (age, clocks, work item, a page of its history) and record what a biller did on it.
import { ageOf } from '../domain/aging.js';
import { daysBetween } from '../domain/calendar.js';
import { claimId } from '../domain/claim-events.js';
import { clocksOf } from '../domain/clocks.js';
import { limitsFor } from '../domain/payer-rules.js';
import { ActionRefused, actionRequest, ClaimNotFoundError, recordAction } from '../services/claim-actions.js';
import { claimHistoryPage, InvalidHistoryCursor } from '../services/claim-history.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, json, notFound, unprocessable } from './http.js';
import * as s from './schemas.js';
import { presentWorkItem } from './work-item-view.js';

export const claimRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/claims/{claimId}',
    operationId: 'getClaim',
    summary: 'A claim with its clocks, a page of its history and its work item',
    access: ['biller', 'manager'],
    tenant: 'query',
    params: { claimId },
    query: s.claimQuery,
    ok: { status: 200, schema: s.claimDetail },
    handle: async ({ params, tenant, query, audit }, deps) => {
      const { claims, history, workItems, settings: settingsStore } = deps;
      const stored = await claims.get(tenant, params.claimId);
      if (!stored) throw notFound();
      const today = query.asOf ?? deps.todayIn(tenant);
      const [item, page, settings, remittances] = await Promise.all([
        workItems.get(tenant, params.claimId),
        claimHistoryPage({ claims, history }, tenant, params.claimId, query.historyLimit, query.historyBefore).catch((error: Error) => {
          if (error instanceof InvalidHistoryCursor) throw fieldProblem('historyBefore', 'not a cursor of this history');
          throw error;
        }),
        settingsStore.get(tenant),
        deps.x12Files.claimRemittances(tenant, params.claimId),
      ]);
      audit({ tenantId: tenant, action: 'read-claim', claimId: params.claimId });
      const { claim } = stored;
      const limits = limitsFor({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating }, today, settings.payerRules);
      return json(200, {
        ...claim,
        version: stored.version,
        age: ageOf(claim, today),
        clocks: clocksOf(claim, limits, item?.followUpOn).map((c) => ({ ...c, daysLeft: daysBetween(today, c.dueOn) })),
        workItem: item && item.status === 'open' ? presentWorkItem(deps, item, today) : null,
        // The latest entries, oldest first; `historyCursor` asks for the ones before them.
        history: page.items,
        // The 835 remittances that named the claim, oldest first: payer, trace number, and how each was applied.
        remittances,
        ...(page.cursor ? { historyCursor: page.cursor } : {}),
      });
    },
  }),
  declare({
    method: 'POST',
    path: '/claims/{claimId}/actions',
    operationId: 'recordAction',
    summary: 'Record what I did on a claim',
    access: ['biller', 'manager'],
    tenant: 'query',
    params: { claimId },
    query: s.tenantQuery,
    body: actionRequest,
    ok: { status: 201, schema: s.actionRecorded },
    handle: async ({ params, tenant, caller, body: action, audit }, deps) => {
      const today = deps.todayIn(tenant);
      if (action.nextFollowUpOn && action.nextFollowUpOn <= today) throw fieldProblem('nextFollowUpOn', 'must be after today');
      try {
        const { claims, workItems, settings, history } = deps;
        const { workItem } = await recordAction({ claims, workItems, settings, history }, { tenantId: tenant, claimId: params.claimId, userId: caller.userId, isManager: caller.roles.includes('manager'), action, now: new Date().toISOString(), today });
        audit({ tenantId: tenant, action: `action:${action.type}`, claimId: params.claimId });
        return json(201, { recorded: action.type, workItem: workItem && workItem.status === 'open' ? presentWorkItem(deps, workItem, today) : null, followUpOn: workItem?.followUpOn ?? null });
      } catch (error) {
        if (error instanceof ClaimNotFoundError) throw notFound();
        if (error instanceof ActionRefused) throw unprocessable(error.field, error.message);
        throw error;
      }
    },
  }),
];
