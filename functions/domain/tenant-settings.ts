// A tenant's follow-up settings: aging buckets, payer rule overrides, contracted rates, and who works which queue.
// Every field has a default, so a new tenant works before anyone configures it.
import { z } from 'zod';
import { calendarDate, procedureCode } from './claim-events.js';
import { alertThresholds } from './alerts.js';
import { payerRuleOverride } from './payer-rules.js';

export const followUpQueues = [
  'credit-balance',
  'timely-filing-expired',
  'rejections',
  'denials',
  'underpaid',
  'secondary-billing',
  'appeal-pending',
  'no-response',
] as const;
export type FollowUpQueue = (typeof followUpQueues)[number];

/** Queue names as billers say them. */
export const queueTitles: Record<FollowUpQueue, string> = {
  'credit-balance': 'Credit balances',
  'timely-filing-expired': 'Timely filing expired',
  rejections: 'Rejections',
  denials: 'Denials',
  underpaid: 'Underpayments',
  'secondary-billing': 'Secondary billing',
  'appeal-pending': 'Appeals pending',
  'no-response': 'No response',
};

/** A contracted allowed amount per unit, for spotting underpayments hidden in CO-45. */
export const contractRate = z.object({
  payerId: z.string().min(1),
  procedureCode,
  allowedCentsPerUnit: z.number().int().nonnegative(),
  effectiveFrom: calendarDate,
});
export type ContractRate = z.infer<typeof contractRate>;

/** First matching rule assigns the work item; what no rule matches stays in the team pool. */
export const assignmentRule = z.object({
  queue: z.enum(followUpQueues).optional(),
  payerIds: z.array(z.string().min(1)).optional(),
  minDollarsCents: z.number().int().nonnegative().optional(),
  maxDollarsCents: z.number().int().nonnegative().optional(),
  assignee: z.string().regex(/^(team|biller):[A-Za-z0-9._@-]{1,64}$/, 'team:<name> or biller:<user id>'),
});
export type AssignmentRule = z.infer<typeof assignmentRule>;

/** A biller who gets the morning reminder: work assigned to them and to their teams. */
export const billerContact = z.object({
  /** The biller's user id (the `sub` of their login), as in `biller:<user id>` assignments. */
  userId: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'a user id: letters, digits, . _ @ -'),
  email: z.email(),
  /** How the biller is named in managers' digests (never a patient's name). */
  displayName: z.string().trim().min(1).max(80).optional(),
  /** Teams whose work (assigned `team:<name>`) the reminder includes. */
  teams: z.array(z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/)).max(20).default([]),
});
export type BillerContact = z.infer<typeof billerContact>;

export const tenantSettings = z.object({
  /** Inclusive upper bounds of the aging buckets but the last (default 0-30, 31-60, 61-90, 91-120, 120+). */
  agingBuckets: z
    .array(z.number().int().positive())
    .min(1)
    .max(10)
    .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), { message: 'bucket bounds must increase' })
    .default([30, 60, 90, 120]),
  payerRules: z.array(payerRuleOverride).max(500).default([]),
  contractRates: z.array(contractRate).max(20_000).default([]),
  assignmentRules: z.array(assignmentRule).max(200).default([]),
  /** Underpayments smaller than this are not worth a biller's time. */
  underpaymentThresholdCents: z.number().int().nonnegative().default(500),
  /** Who gets the managers' emails; when empty, the deployment configuration's managerEmails for the tenant. */
  managerEmails: z.array(z.email()).max(50).default([]),
  /** Billers who get a reminder of their due work after each night. */
  billers: z
    .array(billerContact)
    .max(500)
    .refine((list) => new Set(list.map((b) => b.userId)).size === list.length, { message: 'each biller once' })
    .default([]),
  /** When managers are alerted; an alert with no threshold set is off. */
  alerts: alertThresholds.default(alertThresholds.parse({})),
});
export type TenantSettings = z.infer<typeof tenantSettings>;

export const defaultTenantSettings = (): TenantSettings => tenantSettings.parse({});
