// The API's request and response shapes, in zod: the handler validates with them and the OpenAPI document is
// generated from them, so the two cannot drift.
import { z } from 'zod';
import { calendarDate } from '../domain/claim-events.js';
import { denialCategories } from '../domain/denials.js';
import { followUpQueues } from '../domain/tenant-settings.js';
import { writeOffReasons } from '../domain/work-item.js';

export const workItemQuery = z.object({
  tenant: z.string().optional(),
  queue: z.enum(followUpQueues).optional(),
  /** `me`, `pool`, `managers` (write-off approvals), `biller:<user id>` or `team:<name>`. */
  assignee: z.string().regex(/^(me|pool|managers|(biller|team):[A-Za-z0-9._@-]{1,64})$/, 'me, pool, managers, biller:<user id> or team:<name>').optional(),
  payer: z.string().min(1).max(64).optional().describe('payer id'),
  status: z.enum(['submitted', 'acknowledged', 'rejected', 'pending', 'info-requested', 'paid', 'partially-paid', 'denied', 'reversed', 'appealed', 'written-off', 'closed']).optional().describe('the claim status'),
  serviceOnOrAfter: calendarDate.optional(),
  serviceOnOrBefore: calendarDate.optional(),
  minCents: z.coerce.number().int().nonnegative().optional().describe('the work’s dollars, at least (cents)'),
  maxCents: z.coerce.number().int().nonnegative().optional().describe('the work’s dollars, at most (cents)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque; only valid for the same tenant and listing (queue, or assignee and queue) that gave it. */
  cursor: z.string().optional().describe('the cursor of the previous page of this same listing'),
});
export const agingQuery = z.object({
  tenant: z.string().optional(),
  basis: z.enum(['service', 'submission', 'activity']).default('service'),
  groupBy: z.enum(['bucket', 'payer']).default('bucket'),
  asOf: calendarDate.optional(),
});
export const tenantQuery = z.object({ tenant: z.string().optional() });
/** A claim on a date, with a page of its history (the latest entries, or those before `historyBefore`). */
export const claimQuery = tenantQuery.extend({
  asOf: calendarDate.optional(),
  historyLimit: z.coerce.number().int().min(1).max(500).default(100),
  historyBefore: z.string().max(1000).optional(),
});
export const writeOffDecisionBody = z.object({ note: z.string().trim().min(1).max(1000).optional() }).strict();
export const assignBody = z.object({ assignee: z.string().regex(/^(team|biller):[A-Za-z0-9._@-]{1,64}$|^pool$/, 'team:<name>, biller:<user id> or pool') });
export const nextBody = z.object({ queue: z.enum(followUpQueues).optional(), tenant: z.string().optional() });

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string().optional() })).optional(),
});

export const workItemView = z.object({
  tenantId: z.string(),
  claimId: z.string(),
  queue: z.enum(followUpQueues),
  category: z.enum(denialCategories).optional(),
  dollarsCents: z.number().int(),
  dueOn: calendarDate.optional(),
  daysLeft: z.number().int().optional(),
  priority: z.number().int(),
  reasons: z.array(z.string()),
  /** The one thing to do next, in a biller's words. */
  nextStep: z.string(),
  payerId: z.string().optional(),
  payerName: z.string().optional(),
  serviceFrom: calendarDate.optional(),
  serviceThrough: calendarDate.optional(),
  claimStatus: z.string().optional(),
  /** What the payer still owes on the claim. */
  balanceCents: z.number().int().optional(),
  writeOffRequest: z.object({ cents: z.number().int(), reason: z.enum(writeOffReasons), requestedBy: z.string(), requestedOn: calendarDate }).optional(),
  assignee: z.string(),
  leasedBy: z.string().optional(),
  leaseExpiresAt: z.string().optional(),
  followUpOn: calendarDate.optional(),
  openedOn: calendarDate,
});
export const workItemPage = z.object({ items: z.array(workItemView), cursor: z.string().optional() });

export const queueSummaries = z.object({
  tenants: z.array(
    z.object({
      tenantId: z.string(),
      name: z.string(),
      queues: z.array(
        z.object({
          queue: z.enum(followUpQueues),
          count: z.number().int(),
          dollarsCents: z.number().int(),
          oldestOpenedOn: calendarDate.nullable(),
          nearDeadline: z.number().int(),
          leased: z.number().int(),
          overdue: z.number().int().describe("follow-up date or deadline lead time passed, nobody acted since"),
        }),
      ),
    }),
  ),
});

export const actionRecorded = z.object({ recorded: z.string(), workItem: workItemView.nullable(), followUpOn: calendarDate.nullable() });

export const agingReport = z.object({
  tenantId: z.string(),
  asOf: calendarDate,
  basis: z.enum(['service', 'submission', 'activity']),
  groupBy: z.enum(['bucket', 'payer']),
  rows: z.array(z.object({ key: z.string(), claims: z.number().int(), arCents: z.number().int(), byBucket: z.record(z.string(), z.number().int()) })),
  totalArCents: z.number().int(),
  claims: z.number().int(),
  percentOver90: z.number(),
  percentOver120: z.number(),
  /** Open AR ÷ average daily charges (gross, by date of service) over the last 90 days; null when none fell in them. */
  daysInAr: z.number().nullable(),
  /** Claims whose first adjudication was a denial ÷ claims first adjudicated, last 30 days by remit date, percent. */
  denialRatePercent: z.number().nullable(),
  /** Payments ÷ (charges − reductions), last 90 days (payments and reductions by remit date, charges by submission date), percent. */
  netCollectionRatePercent: z.number().nullable(),
  /** The sums each KPI was computed from. */
  kpiBasis: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const caller = z.object({ userId: z.string(), roles: z.array(z.enum(['biller', 'manager', 'admin'])), tenants: z.array(z.string()) });
/** Claims and run records are documented by their main fields; they carry more. */
export const claimDetail = z.looseObject({ tenantId: z.string(), claimId: z.string(), status: z.string(), open: z.boolean(), workItem: workItemView.nullable(), history: z.array(z.looseObject({ at: z.string(), kind: z.string(), type: z.string() })), historyCursor: z.string().optional(), remittances: z.array(z.looseObject({ remitId: z.string(), listedOn: z.string(), traceNumber: z.string().nullable() })) });
export const runRecord = z.looseObject({ tenantId: z.string(), runDate: calendarDate, status: z.enum(['running', 'complete']), counts: z.record(z.string(), z.number()) });

// claim search
export const claimSearchQuery = tenantQuery.extend({
  q: z
    .string()
    .min(1)
    .max(100)
    .describe('a claim id, payer claim number or patient account number; or a patient: last name and date of birth, `smith 1961-04-02`'),
});
export const claimSearchResult = z.object({
  claims: z.array(
    z.object({
      claimId: z.string(),
      payerName: z.string(),
      serviceFrom: calendarDate,
      serviceThrough: calendarDate,
      status: z.string(),
      open: z.boolean(),
      payerBalanceCents: z.number().int(),
      matchedBy: z.enum(['claim-id', 'payer-claim-number', 'account-number', 'patient']),
    }),
  ),
  /** Other claims matched too (at most 20 are answered): narrow the search. */
  more: z.boolean(),
});

// settings preview
export const settingsPreviewQuery = tenantQuery.extend({
  asOf: calendarDate.optional().describe('the date to plan the claims on: today (the default) or later, e.g. the effectiveFrom of a new rule'),
});
const previewPlace = z.enum([...followUpQueues, 'none']).describe('a queue, or `none`: no work due (or hidden by a pend until its date)');
const previewFigures = z.object({ items: z.number().int(), dollarsCents: z.number().int() });
const previewMove = <T extends z.ZodType<string>>(place: T) =>
  z.object({
    from: place,
    to: place,
    count: z.number().int(),
    dollarsCents: z.number().int(),
    samples: z.array(z.object({ claimId: z.string(), from: place, to: place, dollarsCents: z.number().int() })).max(20).describe('the largest first, at most 20'),
  });
const previewNightFigures = z.object({ percentArOver90: z.number(), timelyFilingRiskCents: z.number().int(), timelyFilingRiskClaims: z.number().int() });
const previewAlertReading = z.object({ crossed: z.boolean(), value: z.string(), threshold: z.string() }).nullable();
export const settingsPreview = z.object({
  tenantId: z.string(),
  asOf: calendarDate,
  claims: z.number().int().describe('open claims read'),
  queues: z.array(z.object({ queue: z.enum(followUpQueues), now: previewFigures, withChange: previewFigures })),
  movements: z.array(previewMove(previewPlace)).describe('work that would change queue, most claims first'),
  deadlines: z.object({
    earlier: z.number().int(),
    later: z.number().int(),
    becomePastDue: z.number().int(),
    reopen: z.number().int(),
    byKind: z.array(
      z.object({
        kind: z.enum(['timely-filing', 'appeal', 'appeal-decision', 'no-response', 'secondary-filing', 'follow-up']),
        earlier: z.number().int(),
        later: z.number().int(),
        becomePastDue: z.number().int(),
        reopen: z.number().int(),
        samples: z.array(z.object({ claimId: z.string(), kind: z.string(), level: z.string().optional(), from: calendarDate, to: calendarDate })).max(20),
      }),
    ),
  }),
  assignees: z.object({
    changed: z.number().int(),
    changes: z.array(previewMove(z.string())),
    byAssignee: z.array(z.object({ assignee: z.string(), now: previewFigures, withChange: previewFigures })),
  }),
  figures: z.object({ now: previewNightFigures, withChange: previewNightFigures }),
  alerts: z.array(z.object({ kind: z.enum(['ar-over-90', 'timely-filing-risk']), now: previewAlertReading, withChange: previewAlertReading, change: z.enum(['crosses', 'clears', 'none']) })),
});
