// Routes of the nightly runs: a night's run record and its counts.
import { addDays } from '../domain/calendar.js';
import { calendarDate } from '../domain/claim-events.js';
import { daysInArWindow, kpisOn } from '../domain/kpis.js';
import { declare, type Route } from './declare.js';
import { json, notFound } from './http.js';
import * as s from './schemas.js';

export const runRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/runs/{runDate}',
    operationId: 'getRun',
    summary: 'A night’s run record',
    access: ['manager', 'admin'],
    tenant: 'query',
    params: { runDate: calendarDate },
    query: s.tenantQuery,
    ok: { status: 200, schema: s.runRecord },
    handle: async ({ params, tenant }, { runs, kpis }) => {
      const [run, days] = await Promise.all([runs.get(tenant, params.runDate), kpis.days(tenant, addDays(params.runDate, -(daysInArWindow - 1)), params.runDate)]);
      if (!run) throw notFound();
      // The night's KPIs: its open AR over the tallies up to its date (a complete night's AR; partial while it runs).
      return json(200, { ...run, kpis: kpisOn(params.runDate, run.counts['ar:total'] ?? 0, days) });
    },
  }),
];
