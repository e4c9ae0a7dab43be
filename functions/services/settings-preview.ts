// Previews a settings change on a tenant's real queues without writing anything: every open claim, read shard by shard
// (shards in parallel, one page ahead at most), is planned with the current and with the proposed settings by the
// nightly run's own planning (claim-plan.ts), with the marks billers and managers set on its work item, and compared.
import type { CalendarDate } from '../domain/calendar.js';
import { SettingsPreviewTally, type SettingsPreview } from '../domain/settings-preview.js';
import type { TenantSettings } from '../domain/tenant-settings.js';
import type { ClaimStore, StoredClaim } from '../store/claim-store.js';
import type { WorkItem, WorkItemStore } from '../store/work-item-store.js';
import { planClaimOn } from './claim-plan.js';

export interface SettingsPreviewDeps {
  readonly claims: Pick<ClaimStore, 'pageOpenClaims'>;
  readonly workItems: Pick<WorkItemStore, 'getMany'>;
  readonly shardCount: number;
}

/** The preview would not finish within its time budget: nothing is answered rather than a part of the claims. */
export class PreviewTooLongError extends Error {
  override readonly name = 'PreviewTooLongError';
  constructor(
    readonly budgetMs: number,
    readonly claimsRead: number,
  ) {
    super(`the preview did not finish within ${budgetMs} ms (${claimsRead} claims read)`);
  }
}

/** Claims per index page: the nightly run's page. */
const pageSize = 200;
/** Work items per batched read, read at once for a page. */
const batchSize = 100;

export interface PreviewOptions {
  /** Stops (PreviewTooLongError) once this much time has gone; the API's own limit is above it. */
  readonly budgetMs: number;
  readonly now?: () => number;
}

type Page = { claims: StoredClaim[]; cursor?: string };

/** The page's work items, in batches of 100 read at once. */
const itemsOf = async (deps: SettingsPreviewDeps, tenantId: string, page: Page): Promise<Map<string, WorkItem>> => {
  const ids = page.claims.map((c) => c.claim.claimId);
  const batches = await Promise.all(Array.from({ length: Math.ceil(ids.length / batchSize) }, (_, i) => deps.workItems.getMany(tenantId, ids.slice(i * batchSize, (i + 1) * batchSize))));
  return new Map(batches.flatMap((batch) => [...batch]));
};

export const previewSettings = async (
  deps: SettingsPreviewDeps,
  tenantId: string,
  current: TenantSettings,
  proposed: TenantSettings,
  asOf: CalendarDate,
  options: PreviewOptions,
): Promise<SettingsPreview> => {
  const now = options.now ?? Date.now;
  const stopAt = now() + options.budgetMs;
  const tally = new SettingsPreviewTally(asOf, current, proposed);
  let read = 0;
  // Set when a shard fails or runs out of time: that error is the answer, and the other shards stop at their next page.
  let stopped = false;
  const shard = async (shardNo: number): Promise<void> => {
    let next: Promise<Page> | undefined = deps.claims.pageOpenClaims(tenantId, shardNo, pageSize);
    while (next) {
      const page: Page = await next;
      if (stopped) return;
      // The next page is read while this one's work items are read and planned: two pages in memory at most.
      next = page.cursor ? deps.claims.pageOpenClaims(tenantId, shardNo, pageSize, page.cursor) : undefined;
      // A page read ahead and then dropped must not fail on its own.
      next?.catch(() => undefined);
      const items = await itemsOf(deps, tenantId, page);
      for (const { claim } of page.claims) {
        const item = items.get(claim.claimId);
        tally.add(claim, item, planClaimOn(claim, item, current, asOf).plan, planClaimOn(claim, item, proposed, asOf).plan);
      }
      read += page.claims.length;
      if (now() > stopAt) throw new PreviewTooLongError(options.budgetMs, read);
    }
  };
  await Promise.all(
    Array.from({ length: deps.shardCount }, (_, n) =>
      shard(n).catch((error: unknown) => {
        stopped = true;
        throw error;
      }),
    ),
  );
  return tally.result();
};
