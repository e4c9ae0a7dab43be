// Payer rules as data: filing limits, appeal windows and follow-up intervals, with defaults by payer type (and
// Medicaid state), per-tenant and per-payer overrides, and an effective date on each rule.
import { z } from 'zod';
import type { CalendarDate } from './calendar.js';
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

/** The limits themselves; any of them may be left out of an override. */
export const ruleLimits = z.object({
  /** Days from the date of service (through-date) to file the initial or corrected claim. */
  timelyFilingDays: z.number().int().positive(),
  /** Days from the denial's remit date to file each appeal level. */
  appealDays: appealLevelDays,
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
  limits: ruleLimits.partial().extend({ appealDays: appealLevelDays.optional() }),
  note: z.string().max(200).optional(),
});
export type PayerRuleOverride = z.infer<typeof payerRuleOverride>;

/** Where every rule starts before any override (sources: DOMAIN.md; all configurable). */
const baseline: RuleLimits = {
  timelyFilingDays: 365,
  appealDays: { first: 180, second: 60, external: 120 },
  noResponseDays: { electronic: 21, paper: 30 },
  secondaryFilingDays: 90,
  appealFollowUpDays: 45,
};

/**
 * Defaults, least specific first. Medicare: 1 calendar year (42 CFR 424.44), redetermination 120 days →
 * reconsideration 180 → ALJ 60 → Council 60 → court 60. Medicaid: 12 months federally, shorter by state (Texas 95).
 * Commercial: 90 days participating, 180 non-participating (Cigna, UHC; Aetna and Humana vary: override them).
 */
export const defaultPayerRules: readonly PayerRuleOverride[] = [
  {
    payerType: 'medicare',
    effectiveFrom: '2000-01-01',
    limits: { timelyFilingDays: 365, appealDays: { redetermination: 120, reconsideration: 180, alj: 60, council: 60, court: 60 }, appealFollowUpDays: 60 },
  },
  { payerType: 'medicaid', effectiveFrom: '2000-01-01', limits: { timelyFilingDays: 365 } },
  { payerType: 'medicaid', state: 'TX', effectiveFrom: '2000-01-01', limits: { timelyFilingDays: 95 } },
  { payerType: 'commercial', participating: true, effectiveFrom: '2000-01-01', limits: { timelyFilingDays: 90 } },
  { payerType: 'commercial', participating: false, effectiveFrom: '2000-01-01', limits: { timelyFilingDays: 180 } },
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
  return [...ordered(defaultPayerRules), ...ordered(overrides)].reduce<RuleLimits>(
    (limits, rule) => ({
      ...limits,
      ...Object.fromEntries(Object.entries(rule.limits).filter(([key]) => key !== 'appealDays' && key !== 'noResponseDays')),
      appealDays: { ...limits.appealDays, ...rule.limits.appealDays },
      noResponseDays: { ...limits.noResponseDays, ...rule.limits.noResponseDays },
    }),
    baseline,
  );
};
