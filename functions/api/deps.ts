// What the route modules are handed by the composition root (functions/handlers/api.ts): stores, the tenant directory
// and the tenant's today. Nothing under functions/api/ builds a client or a store itself.
import { localDateAt } from '../domain/calendar.js';
import type { TenantConfig } from '../shared/config-schema.js';
import type { ClaimStore } from '../store/claim-store.js';
import type { HistoryStore } from '../store/history-store.js';
import type { IdempotencyStore } from '../store/idempotency-store.js';
import type { KpiStore } from '../store/kpi-store.js';
import type { RateLimitStore } from '../store/rate-limit-store.js';
import type { RunStore } from '../store/run-store.js';
import type { StatusInquiryStore } from '../store/status-inquiry-store.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import type { WorkItemStore } from '../store/work-item-store.js';
import type { X12FileStore } from '../store/x12-file-store.js';

export interface ApiDeps {
  readonly claims: ClaimStore;
  readonly workItems: WorkItemStore;
  readonly history: HistoryStore;
  readonly settings: TenantSettingsStore;
  readonly runs: RunStore;
  readonly kpis: KpiStore;
  readonly idempotency: IdempotencyStore;
  readonly rateLimits: RateLimitStore;
  /** X12 files received and their 835 remittances. */
  readonly x12Files: X12FileStore;
  /** The 276 batches (table) and their files (the X12 bucket's outbox, read only there). */
  readonly statusInquiries: { readonly store: Pick<StatusInquiryStore, 'batches' | 'batch'>; readonly readFile: (key: string) => Promise<string | undefined> };
  readonly tenants: ReadonlyMap<string, TenantConfig>;
  readonly shardCount: number;
  /** The tenant's local date (its time zone), as of now. */
  readonly todayIn: (tenant: string) => string;
  /** The OpenAPI document, built once per container from the route declarations. */
  readonly openApi: Record<string, unknown>;
}

/** The tenant's local date; worked out once a minute per tenant, not for every item of every list. */
export const tenantToday = (tenants: ReadonlyMap<string, Pick<TenantConfig, 'timeZone'>>): ((tenant: string) => string) => {
  const cache = new Map<string, { date: string; until: number }>();
  return (tenant) => {
    const cached = cache.get(tenant);
    if (cached && cached.until > Date.now()) return cached.date;
    const date = localDateAt(new Date().toISOString(), tenants.get(tenant)?.timeZone ?? 'UTC');
    cache.set(tenant, { date, until: Date.now() + 60_000 });
    return date;
  };
};
