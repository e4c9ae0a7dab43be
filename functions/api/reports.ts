// Routes of the managers' reports: AR aging and its KPIs (read shard by shard with one page in memory), and the last
// nights' trend (% AR > 90, backlog, work done per user, where the alerts stand) from the run records.
import { z } from 'zod';
import { alertKinds, readAlerts } from '../domain/alerts.js';
import { ArAccumulator } from '../domain/ar-report.js';
import { addDays } from '../domain/calendar.js';
import { calendarDate } from '../domain/claim-events.js';
import { daysInArWindow, kpisOn } from '../domain/kpis.js';
import { summarizeNight } from '../domain/night-summary.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, json } from './http.js';
import * as s from './schemas.js';

const nightsQuery = s.tenantQuery.extend({ days: z.coerce.number().int().min(1).max(90).default(30).describe('nights ending today, at most 90') });
const nightlyTrend = z.object({
  tenantId: z.string(),
  /** The tenant's today: the last night listed. */
  through: calendarDate,
  /** Oldest first, one per date; `none` where no night ran. */
  nights: z.array(
    z.object({
      runDate: calendarDate,
      status: z.enum(['running', 'complete', 'none']),
      arCents: z.number().int().optional(),
      over90Cents: z.number().int().optional(),
      percentArOver90: z.number().optional(),
      timelyFilingRiskCents: z.number().int().optional(),
      backlogItems: z.number().int().optional(),
      backlogCents: z.number().int().optional(),
      /** Actions recorded per user id on that tenant-local day, most first. */
      workDone: z.array(z.object({ userId: z.string(), actions: z.number().int() })),
    }),
  ),
  /** Where each alert the thresholds turn on stands on the latest complete night. */
  alerts: z.array(z.object({ kind: z.enum(alertKinds), asOf: calendarDate, crossed: z.boolean(), value: z.string(), threshold: z.string() })),
});
export type NightlyTrend = z.infer<typeof nightlyTrend>;

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
  declare({
    method: 'GET',
    path: '/reports/nights',
    operationId: 'nightlyTrend',
    summary: 'The last nights of a tenant: % AR > 90, AR, timely-filing risk, backlog and work done per user each night, and where the alerts stand on the latest complete night',
    access: ['manager'],
    tenant: 'query',
    query: nightsQuery,
    ok: { status: 200, schema: nightlyTrend },
    handle: async ({ tenant, query, audit }, deps) => {
      const through = deps.todayIn(tenant);
      // Oldest first: the night `days - 1` before today … today's (each a run record and a day's activity: 2 reads).
      const dates = Array.from({ length: query.days }, (_, i) => addDays(through, i - (query.days - 1)));
      const [settings, nights] = await Promise.all([
        deps.settings.get(tenant),
        Promise.all(dates.map(async (runDate) => ({ runDate, run: await deps.runs.get(tenant, runDate), workDone: await deps.history.actionsByUser(tenant, runDate) }))),
      ]);
      const rows = nights.map(({ runDate, run, workDone }) => {
        const summary = run ? summarizeNight(run.counts, settings.agingBuckets) : undefined;
        return {
          runDate,
          status: run?.status ?? ('none' as const),
          ...(summary
            ? {
                arCents: summary.ar.totalCents,
                over90Cents: summary.ar.over90Cents,
                percentArOver90: summary.ar.percentOver90,
                timelyFilingRiskCents: summary.timelyFilingRisk.cents,
                backlogItems: summary.backlogByQueue.reduce((sum, q) => sum + q.count, 0),
                backlogCents: summary.backlogByQueue.reduce((sum, q) => sum + q.cents, 0),
              }
            : {}),
          workDone: Object.entries(workDone)
            .map(([userId, actions]) => ({ userId, actions }))
            .sort((a, b) => b.actions - a.actions || a.userId.localeCompare(b.userId)),
        };
      });
      // The alerts as the night's notifications read them: the thresholds against the latest complete night.
      const latest = [...rows].reverse().find((row) => row.status === 'complete');
      const alerts = latest
        ? readAlerts(settings.alerts, { asOf: latest.runDate, percentArOver90: latest.percentArOver90, timelyFilingRiskCents: latest.timelyFilingRiskCents }).map(({ kind, asOf, crossed, value, threshold }) => ({ kind, asOf, crossed, value, threshold }))
        : [];
      audit({ tenantId: tenant, action: 'read-nightly-trend' });
      return json(200, { tenantId: tenant, through, nights: rows, alerts });
    },
  }),
];
