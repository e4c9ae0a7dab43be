// Routes of the managers' reports: AR aging and its KPIs, read shard by shard with one page in memory.
import { ArAccumulator } from '../domain/ar-report.js';
import { declare, type Route } from './declare.js';
import { json } from './http.js';
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
      const settings = await deps.settings.get(tenant);
      const report = new ArAccumulator(query.asOf ?? deps.todayIn(tenant), query.basis, query.groupBy, settings.agingBuckets);
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
      // Days in AR needs the practice's average daily charges, which this system does not hold yet.
      return json(200, { tenantId: tenant, ...report.report(), daysInAr: null });
    },
  }),
];
