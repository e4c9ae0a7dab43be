// A tenant's follow-up settings: aging buckets, payer rule overrides, contracted rates, and who works which queue.
// Every field has a default, so a new tenant works before anyone configures it.
import { z } from 'zod';
import { calendarDate, procedureCode } from './claim-events.js';
import { alertThresholds } from './alerts.js';
import { payerRuleOverride } from './payer-rules.js';

/**
 * Settings are stored as one DynamoDB item (at most 400 KB): every list and string below is bounded so that all of
 * them at their largest still fit, and the whole is measured once more before it is accepted.
 */
export const settingsLimits = {
  payerRules: 100,
  contractRates: 1_000,
  assignmentRules: 50,
  payerIdsPerRule: 10,
  managerEmails: 20,
  billers: 100,
  teamsPerBiller: 5,
  statusInquiries: 100,
  /** Bytes of the settings as stored (JSON, UTF-8): the item's keys and other attributes take the rest of 400 KB. */
  storedBytes: 380_000,
} as const;

const payerId = z.string().min(1).max(64);
const email = z.email().max(254);

/**
 * The follow-up queues in routing order: work that can still recover money first, then a manager's write-off
 * approvals, then the review of claims whose last recoverable deadline has passed.
 */
export const followUpQueues = [
  'credit-balance',
  'rejections',
  'denials',
  'underpaid',
  'secondary-billing',
  'appeal-pending',
  'no-response',
  'unmatched-remittance',
  'write-off-approval',
  'deadline-passed',
] as const;
export type FollowUpQueue = (typeof followUpQueues)[number];

/** Queue names as billers say them. */
export const queueTitles: Record<FollowUpQueue, string> = {
  'credit-balance': 'Credit balances',
  rejections: 'Rejections',
  denials: 'Denials',
  underpaid: 'Underpayments',
  'secondary-billing': 'Secondary billing',
  'appeal-pending': 'Appeals pending',
  'no-response': 'No response',
  'unmatched-remittance': 'Unmatched remittances',
  'write-off-approval': 'Write-off approval',
  'deadline-passed': 'Deadline passed (review)',
};

/** A queue name as settings may still spell it: `timely-filing-expired` became `deadline-passed`. */
export const followUpQueue = z.preprocess((value) => (value === 'timely-filing-expired' ? 'deadline-passed' : value), z.enum(followUpQueues));

/** A contracted allowed amount per unit, for spotting underpayments hidden in CO-45. */
export const contractRate = z.object({
  payerId,
  procedureCode,
  /** At most $1,000,000 a unit: more is a typo, not a contract. */
  allowedCentsPerUnit: z.number().int().nonnegative().max(100_000_000),
  effectiveFrom: calendarDate,
});
export type ContractRate = z.infer<typeof contractRate>;

/** First matching rule assigns the work item; what no rule matches stays in the team pool. */
export const assignmentRule = z.object({
  queue: followUpQueue.optional(),
  payerIds: z.array(payerId).max(settingsLimits.payerIdsPerRule).optional(),
  minDollarsCents: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  maxDollarsCents: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  assignee: z.string().regex(/^(team|biller):[A-Za-z0-9._@-]{1,64}$/, 'team:<name> or biller:<user id>'),
});
export type AssignmentRule = z.infer<typeof assignmentRule>;

/** A biller who gets the morning reminder: work assigned to them and to their teams. */
export const billerContact = z.object({
  /** The biller's user id (the `sub` of their login), as in `biller:<user id>` assignments. */
  userId: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'a user id: letters, digits, . _ @ -'),
  email,
  /** How the biller is named in managers' digests (never a patient's name). */
  displayName: z.string().trim().min(1).max(80).optional(),
  /** Teams whose work (assigned `team:<name>`) the reminder includes. */
  teams: z.array(z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/)).max(settingsLimits.teamsPerBiller).default([]),
});
export type BillerContact = z.infer<typeof billerContact>;

/**
 * A payer that answers X12 276 claim status inquiries: after each night, its claims awaiting an answer are asked in
 * one 276 to the receiver (the clearinghouse's id, ISA08/NM1*41), at most once every `everyDays` per claim.
 */
export const statusInquirySetting = z.object({
  payerId,
  enabled: z.boolean().default(true),
  /** The receiver's id as the clearinghouse gives it: 2-15 letters or digits (ISA08, and part of every trace). */
  receiverId: z.string().regex(/^[A-Za-z0-9]{2,15}$/, 'receiver id: 2-15 letters or digits'),
  everyDays: z.number().int().min(1).max(365).default(14),
  /** The practice's submitter id at this clearinghouse (ISA06, GS02); the tenant id when not given. */
  submitterId: z.string().regex(/^[A-Za-z0-9]{2,15}$/, 'submitter id: 2-15 letters or digits').optional(),
});
export type StatusInquirySetting = z.infer<typeof statusInquirySetting>;

/** The settings as stored, in UTF-8 bytes (TextEncoder: the domain stays free of Node APIs). */
const storedBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

export const tenantSettings = z
  .object({
  /** Inclusive upper bounds of the aging buckets but the last (default 0-30, 31-60, 61-90, 91-120, 120+). */
  agingBuckets: z
    .array(z.number().int().positive().max(36_500))
    .min(1)
    .max(10)
    .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), { message: 'bucket bounds must increase' })
    .default([30, 60, 90, 120]),
  // Overrides name payers as claims do (at most 64 characters).
  payerRules: z.array(payerRuleOverride.extend({ payerId: payerId.optional() })).max(settingsLimits.payerRules).default([]),
  contractRates: z.array(contractRate).max(settingsLimits.contractRates).default([]),
  assignmentRules: z.array(assignmentRule).max(settingsLimits.assignmentRules).default([]),
  /** Underpayments smaller than this are not worth a biller's time. */
  underpaymentThresholdCents: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(500),
  /** Who gets the managers' emails; when empty, the deployment configuration's managerEmails for the tenant. */
  managerEmails: z.array(email).max(settingsLimits.managerEmails).default([]),
  /** Billers who get a reminder of their due work after each night. */
  billers: z
    .array(billerContact)
    .max(settingsLimits.billers)
    .refine((list) => new Set(list.map((b) => b.userId)).size === list.length, { message: 'each biller once' })
    .default([]),
  /** When managers are alerted; an alert with no threshold set is off. */
  alerts: alertThresholds.default(alertThresholds.parse({})),
  /** Payers asked by 276 after each night (none by default); each payer once. */
  statusInquiries: z
    .array(statusInquirySetting)
    .max(settingsLimits.statusInquiries)
    .refine((list) => new Set(list.map((s) => s.payerId)).size === list.length, { message: 'each payer once' })
    .default([]),
  })
  .superRefine((settings, ctx) => {
    // Escaped or multi-byte text can still outgrow the item: name the biggest field, so the admin knows what to cut.
    const total = storedBytes(settings);
    if (total <= settingsLimits.storedBytes) return;
    const [field] = Object.entries(settings)
      .map(([name, value]) => [name, storedBytes(value)] as const)
      .sort((a, b) => b[1] - a[1])[0]!;
    ctx.addIssue({ code: 'custom', path: [field], message: `the settings take ${total} bytes stored, at most ${settingsLimits.storedBytes}: shorten this list` });
  });
export type TenantSettings = z.infer<typeof tenantSettings>;

export const defaultTenantSettings = (): TenantSettings => tenantSettings.parse({});

/**
 * Whether work can be assigned to `assignee` in this tenant: the pool, a biller on its roster (`biller:<user id>`), or
 * a team one of its billers belongs to (`team:<name>`).
 */
export const isOnRoster = (settings: Pick<TenantSettings, 'billers'>, assignee: string): boolean => {
  if (assignee === 'pool') return true;
  const [kind, name] = [assignee.slice(0, assignee.indexOf(':')), assignee.slice(assignee.indexOf(':') + 1)];
  if (kind === 'biller') return settings.billers.some((b) => b.userId === name);
  if (kind === 'team') return settings.billers.some((b) => b.teams.includes(name));
  return false;
};
