// Messages between the functions, validated with zod on both sides of each queue.
import { z } from 'zod';
import { calendarDate } from '../domain/claim-events.js';
import { tenantIdSchema } from './config-schema.js';

/** What the schedule (or `npm run nightly`) hands start-nightly-run. */
export const nightlyTrigger = z.object({
  tenantId: tenantIdSchema,
  timeZone: z.string().min(1),
  /** The tenant-local date to run; defaults to today in the tenant's time zone. */
  runDate: calendarDate.optional(),
  /** Run the date again although it completed (gives the same queues; writes only what differs). */
  rerun: z.boolean().optional(),
});
export type NightlyTrigger = z.infer<typeof nightlyTrigger>;

/** One shard of one tenant night, or its continuation from a cursor. */
export const agingShardMessage = z.object({
  tenantId: tenantIdSchema,
  runDate: calendarDate,
  timeZone: z.string().min(1),
  shard: z.number().int().nonnegative(),
  cursor: z.string().optional(),
  /** The run's attempt: a re-run's messages count only toward the re-run. */
  attempt: z.number().int().positive().default(1),
  /** Counts so far in this shard ("claimsAged", "opened:denials", "writes"…), carried across continuations. */
  counts: z.record(z.string(), z.number().int().nonnegative()).default({}),
});
export type AgingShardMessage = z.infer<typeof agingShardMessage>;

export const notificationMessage = z.discriminatedUnion('kind', [
  /** The last shard of a night: digest, reminders, portfolio digests, threshold alerts. */
  z.object({ kind: z.literal('run-complete'), tenantId: tenantIdSchema, runDate: calendarDate }),
  /** One biller's reminder after a night (the run-complete message fans these out, one per biller). */
  z.object({ kind: z.literal('reminder'), tenantId: tenantIdSchema, runDate: calendarDate, userId: z.string().min(1) }),
  /** After a completed night (sent by its run-complete handling): the night's 276 status inquiries, once per night. */
  z.object({ kind: z.literal('status-inquiries'), tenantId: tenantIdSchema, runDate: calendarDate }),
  /** The watch schedule (every 15 minutes): runs not complete by their time, dead letters. */
  z.object({ kind: z.literal('watch'), at: z.iso.datetime({ offset: true }) }),
  /**
   * An X12 file (ingest-x12-file) held batch-level rejections: 277CA statuses at batch level, or 999 rejections of
   * 837 batches. Counts only; the managers are alerted once per file.
   */
  z.object({
    kind: z.literal('batch-rejected'),
    tenantId: tenantIdSchema,
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/),
    receivedAt: z.iso.datetime({ offset: true }),
    batchStatuses: z.number().int().nonnegative(),
    rejectedSets: z.number().int().nonnegative(),
    claimsRejected: z.number().int().nonnegative(),
  }),
]);
export type NotificationMessage = z.infer<typeof notificationMessage>;
