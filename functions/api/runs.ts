// Routes of the nightly runs: a night's run record and its counts.
import { calendarDate } from '../domain/claim-events.js';
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
    handle: async ({ params, tenant }, { runs }) => {
      const run = await runs.get(tenant, params.runDate);
      if (!run) throw notFound();
      return json(200, run);
    },
  }),
];
