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
});
export type NightlyTrigger = z.infer<typeof nightlyTrigger>;

/** One shard of one tenant night, or its continuation from a cursor. */
export const agingShardMessage = z.object({
  tenantId: tenantIdSchema,
  runDate: calendarDate,
  timeZone: z.string().min(1),
  shard: z.number().int().nonnegative(),
  cursor: z.string().optional(),
  claimsAged: z.number().int().nonnegative().default(0),
  claimsChanged: z.number().int().nonnegative().default(0),
});
export type AgingShardMessage = z.infer<typeof agingShardMessage>;

export const notificationMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run-complete'), tenantId: tenantIdSchema, runDate: calendarDate }),
]);
export type NotificationMessage = z.infer<typeof notificationMessage>;
