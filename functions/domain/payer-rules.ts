// Payer rules as data: filing limits, appeal windows and follow-up intervals, with defaults by payer type (and
// Medicaid state), per-tenant and per-payer overrides, and an effective date on each rule.
import { z } from 'zod';
import { periodUnits, type CalendarDate, type Period } from './calendar.js';
import { calendarDate, payerTypes } from './claim-events.js';

export const appealLevelDays = z.object({
  redetermination: z.number().int().positive().optional(),
  reconsideration: z.number().int().positive().optional(),
  alj: z.number().int().positive().optional(),
  council: z.number().int().positive().optional(),
  court: z.number().int().positive().optional(),
  first: z.number().int().positive().optional(),
  second: z.number().int().positive().optional(),
  external: z.number().int().positive().optional(),
});

/** Longest a period may be in each unit (a century): beyond, a date is out of the calendar, not a rule. */
const longestPeriod: Record<Period['unit'], number> = { days: 36_500, months: 1_200, 'calendar-years': 100 };

/** A rule's length with the unit its source states it in: 95 days, 12 months, 1 calendar year. */
export const period = z
  .object({ amount: z.number().int().positive(), unit: z.enum(periodUnits) })
  .refine((p) => p.amount <= longestPeriod[p.unit], { message: 'at most 36500 days, 1200 months or 100 calendar years', path: ['amount'] });

/** The limits themselves; any of them may be left out of an override. */
export const ruleLimits = z.object({
  /** From the date of service (through-date) to file the initial or corrected claim, in the unit of its source. */
  timelyFiling: period,
  /** Days from receipt of the denial (see presumedReceiptDays) to file each appeal level. */
  appealDays: appealLevelDays,
  /**
   * Days after its date that a denial notice is presumed received, when appeal windows run from receipt (Medicare:
   * 5, 42 CFR 405.942(a), 405.962(a), 405.1014, 405.1102, 405.1130); 0 when they run from the remit date.
   */
  presumedReceiptDays: z.number().int().nonnegative().max(365),
  /** Days without any answer after (re)submission before the claim needs a status check. */
  noResponseDays: z.object({ electronic: z.number().int().positive(), paper: z.number().int().positive() }),
  /** Days from the primary payer's remit to bill the secondary. */
  secondaryFilingDays: z.number().int().positive(),
  /** Days after an appeal is filed before checking on its decision. */
  appealFollowUpDays: z.number().int().positive(),
});
export type RuleLimits = z.infer<typeof ruleLimits>;

/** An override: which claims it applies to, from when, and the limits it changes. */
export const payerRuleOverride = z.object({
  payerType: z.enum(payerTypes).optional(),
  state: z.string().regex(/^[A-Z]{2}$/).optional(),
  payerId: z.string().min(1).optional(),
  participating: z.boolean().optional(),
  effectiveFrom: calendarDate,
  limits: ruleLimits
    .partial()
    .extend({
      appealDays: appealLevelDays.optional(),
      /** The older form of timelyFiling, still accepted: a number of days. */
      timelyFilingDays: z.number().int().positive().optional(),
    })
    .refine((l) => l.timelyFiling === undefined || l.timelyFilingDays === undefined, { message: 'give timelyFiling or timelyFilingDays, not both', path: ['timelyFilingDays'] }),
  note: z.string().max(200).optional(),
});
export type PayerRuleOverride = z.infer<typeof payerRuleOverride>;

/** Where every rule starts before any override (sources: DOMAIN.md; all configurable). */
const baseline: RuleLimits = {
  timelyFiling: { amount: 365, unit: 'days' },
  appealDays: { first: 180, second: 60, external: 120 },
  presumedReceiptDays: 0,
  noResponseDays: { electronic: 21, paper: 30 },
  secondaryFilingDays: 90,
  appealFollowUpDays: 45,
};

/**
 * Defaults, least specific first, each in the unit its source states. Medicare: 1 calendar year after the date of
 * service (42 CFR 424.44(a)(1)); appeals from receipt of the notice, presumed 5 days after its date: redetermination
 * 120 days (405.942(a)) → reconsideration 180 (405.962(a)) → ALJ 60 (405.1014) → Council 60 (405.1102) → court 60
 * (405.1130). Medicaid: 12 months from the date of service federally (42 CFR 447.45(d)(1)), shorter by state (Texas
 * 95 days). Commercial: 90 days participating, 180 non-participating (Cigna, UHC; Aetna and Humana vary: override
 * them); appeals from the remit date.
 */
export const defaultPayerRules: readonly PayerRuleOverride[] = [
  {
    payerType: 'medicare',
    effectiveFrom: '2000-01-01',
    limits: {
      timelyFiling: { amount: 1, unit: 'calendar-years' },
      appealDays: { redetermination: 120, reconsideration: 180, alj: 60, council: 60, court: 60 },
      presumedReceiptDays: 5,
      appealFollowUpDays: 60,
    },
  },
  { payerType: 'medicaid', effectiveFrom: '2000-01-01', limits: { timelyFiling: { amount: 12, unit: 'months' } } },
  { payerType: 'medicaid', state: 'TX', effectiveFrom: '2000-01-01', limits: { timelyFiling: { amount: 95, unit: 'days' } } },
  { payerType: 'commercial', participating: true, effectiveFrom: '2000-01-01', limits: { timelyFiling: { amount: 90, unit: 'days' } } },
  { payerType: 'commercial', participating: false, effectiveFrom: '2000-01-01', limits: { timelyFiling: { amount: 180, unit: 'days' } } },
];

export interface PayerOfClaim {
  readonly payerType: (typeof payerTypes)[number];
  readonly state?: string;
  readonly payerId: string;
  readonly participating: boolean;
}

const specificity = (rule: PayerRuleOverride): number =>
  (rule.payerType ? 1 : 0) + (rule.participating !== undefined ? 1 : 0) + (rule.state ? 2 : 0) + (rule.payerId ? 4 : 0);

const applies = (rule: PayerRuleOverride, payer: PayerOfClaim, on: CalendarDate): boolean =>
  rule.effectiveFrom <= on &&
  (rule.payerType === undefined || rule.payerType === payer.payerType) &&
  (rule.state === undefined || rule.state === payer.state) &&
  (rule.payerId === undefined || rule.payerId === payer.payerId) &&
  (rule.participating === undefined || rule.participating === payer.participating);

/**
 * The limits in force for a payer on a date: defaults, then the tenant's overrides, each layer from least to most
 * specific and, at equal specificity, older effective dates first. A rule dated after `on` has no effect on `on`,
 * so a rule change applies from its date and re-running an earlier night gives the earlier result.
 */
export const limitsFor = (payer: PayerOfClaim, on: CalendarDate, overrides: readonly PayerRuleOverride[] = []): RuleLimits => {
  const ordered = (rules: readonly PayerRuleOverride[]) =>
    rules
      .filter((rule) => applies(rule, payer, on))
      .sort((a, b) => specificity(a) - specificity(b) || (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  return [...ordered(defaultPayerRules), ...ordered(overrides)].reduce<RuleLimits>((limits, rule) => {
    const { appealDays, noResponseDays, timelyFilingDays, ...flat } = rule.limits;
    return {
      ...limits,
      ...Object.fromEntries(Object.entries(flat).filter(([, value]) => value !== undefined)),
      // A plain timelyFilingDays (the older form) means days.
      ...(timelyFilingDays !== undefined ? { timelyFiling: { amount: timelyFilingDays, unit: 'days' as const } } : {}),
      appealDays: { ...limits.appealDays, ...appealDays },
      noResponseDays: { ...limits.noResponseDays, ...noResponseDays },
    };
  }, baseline);
};
