// Route previewing a settings change on the tenant's real queues before it is saved: admins only; nothing is written
// but the audit entry (the answer names claims).
import { tenantSettings } from '../domain/tenant-settings.js';
import { PreviewTooLongError, previewSettings } from '../services/settings-preview.js';
import { declare, type Route } from './declare.js';
import { fieldProblem, HttpProblem, json } from './http.js';
import * as s from './schemas.js';

/**
 * The preview answers synchronously. It stops before the API's limit (API Gateway HTTP APIs: 29 s) with a 503 rather
 * than be cut off; bench:api measures a 100k-claim tenant well within it (README, "Previewing a change").
 */
export const previewBudgetMs = 25_000;

export const settingsPreviewRoutes: readonly Route[] = [
  declare({
    method: 'POST',
    path: '/config/settings/preview',
    operationId: 'previewSettings',
    summary: 'What a settings change would do to the queues, before saving it (nothing is written)',
    access: ['admin'],
    tenant: 'query',
    query: s.settingsPreviewQuery,
    // The same document PUT /config/settings takes, validated the same way.
    body: tenantSettings,
    ok: { status: 200, schema: s.settingsPreview },
    handle: async ({ tenant, query, body, audit }, deps) => {
      const today = deps.todayIn(tenant);
      // Claims as they are today, planned on a day already past, would mix two days; that night's record holds it.
      if (query.asOf !== undefined && query.asOf < today) {
        throw fieldProblem('asOf', `before today (${today}): the preview plans today's claims; the queues of a past night are in GET /runs/${query.asOf}`);
      }
      const asOf = query.asOf ?? today;
      const current = await deps.settings.get(tenant);
      // The answer names claims (its samples): a read, audited once it has answered.
      audit({ tenantId: tenant, action: 'preview-settings' });
      try {
        const preview = await previewSettings(deps, tenant, current, body, asOf, { budgetMs: previewBudgetMs });
        return json(200, { tenantId: tenant, ...preview });
      } catch (error) {
        if (!(error instanceof PreviewTooLongError)) throw error;
        throw new HttpProblem(503, 'Service Unavailable', `the preview did not finish within ${error.budgetMs / 1000} s (${error.claimsRead} open claims read): too many to preview in one request`);
      }
    },
  }),
];
