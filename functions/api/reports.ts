// Routes of the managers' reports: AR aging and its KPIs, read shard by shard with one page in memory.
import { ArAccumulator } from '../domain/ar-report.js';
import { addDays } from '../domain/calendar.js';
import { daysInArWindow, kpisOn } from '../domain/kpis.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, json } from './http.js';
import * as s from './schemas.js';

export const reportRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/reports/aging',
    operationId: 'agingReport',
    summary: 'AR aging and KPIs',
    access: ['manager'],
    tenant: 'query',
    query: s.agingQuery,
    ok: { status: 200, schema: s.agingReport },
    handle: async ({ tenant, query, audit }, deps) => {
      const today = deps.todayIn(tenant);
      // The report ages today's balances: on a past date it would put claims submitted since in 0-30. AR as of a
      // past night is in that night's run record (GET /runs/{date}), computed from the claims as they were.
      if (query.asOf !== undefined && query.asOf < today) {
        throw fieldProblem('asOf', `before today (${today}): the report ages today's balances; for AR as of a past night read GET /runs/${query.asOf}`);
      }
      const asOf = query.asOf ?? today;
      const [settings, kpiDays] = await Promise.all([deps.settings.get(tenant), deps.kpis.days(tenant, addDays(asOf, -(daysInArWindow - 1)), asOf)]);
      const report = new ArAccumulator(asOf, query.basis, query.groupBy, settings.agingBuckets);
      // Page through every shard of the open-claims index: memory stays at one page.
      for (let shard = 0; shard < deps.shardCount; shard++) {
        let cursor: string | undefined;
        do {
          const page = await deps.claims.pageOpenClaims(tenant, shard, 500, cursor);
          for (const { claim } of page.claims) report.add(claim);
          cursor = page.cursor;
        } while (cursor);
      }
      audit({ tenantId: tenant, action: 'read-aging-report' });
      const aging = report.report();
      const kpis = kpisOn(asOf, aging.totalArCents, kpiDays);
      return json(200, { tenantId: tenant, ...aging, daysInAr: kpis.daysInAr, denialRatePercent: kpis.denialRatePercent, netCollectionRatePercent: kpis.netCollectionRatePercent, kpiBasis: kpis.basis });
    },
  }),
];
