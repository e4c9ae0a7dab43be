// Routes of a tenant's follow-up settings (buckets, payer rules, rates, assignment, recipients, thresholds): admins only.
import { tenantSettings } from '../domain/tenant-settings.js';
import { declare, type Route } from './declare.js';
import { json } from './http.js';
import * as s from './schemas.js';

export const settingsRoutes: readonly Route[] = [
  declare({
    method: 'GET',
    path: '/config/settings',
    operationId: 'getSettings',
    summary: 'A tenant’s follow-up settings',
    access: ['admin'],
    tenant: 'query',
    query: s.tenantQuery,
    ok: { status: 200, schema: tenantSettings },
    handle: async ({ tenant }, deps) => json(200, await deps.settings.get(tenant)),
  }),
  declare({
    method: 'PUT',
    path: '/config/settings',
    operationId: 'putSettings',
    summary: 'Replace a tenant’s follow-up settings (validated in full)',
    access: ['admin'],
    tenant: 'query',
    query: s.tenantQuery,
    // Validated in full before anything is saved; the schema bounds it to what one item holds.
    body: tenantSettings,
    ok: { status: 200, schema: tenantSettings },
    handle: async ({ tenant, caller, body }, deps) => json(200, await deps.settings.put(tenant, body, caller.userId, new Date().toISOString())),
  }),
];
