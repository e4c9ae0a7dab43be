// Routes of the follow-up queues as a whole: the summary of each queue of the caller's tenants.
import { queueSummaries } from '../services/queue-summary.js';
import { declare, type Route } from './declare.js';
import { json } from './http.js';
import * as s from './schemas.js';

export const queueRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/queues',
    operationId: 'listQueues',
    summary: 'Queue summaries of the caller’s tenants',
    access: ['biller', 'manager'],
    tenant: 'query-or-all',
    query: s.tenantQuery,
    ok: { status: 200, schema: s.queueSummaries },
    handle: async ({ tenants }, deps) => json(200, { tenants: await queueSummaries(deps, tenants, new Date()) }),
  }),
];
