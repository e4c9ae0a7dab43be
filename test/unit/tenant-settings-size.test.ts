// Tenant settings are one DynamoDB item: the schema bounds every list and string so that what it accepts can be stored.
import { describe, expect, it } from 'vitest';
import { settingsLimits, tenantSettings } from '../../functions/domain/tenant-settings.js';
import { demoSettings } from '../../local/seed.js';

const dynamoItemBytes = 400 * 1024;
const bytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;
const text = (n: number, c = 'x'): string => c.repeat(n);

/** A 254-character address (the longest the schema takes). */
const longEmail = (i: number): string => `${String(i).padStart(3, '0')}${text(61)}@${text(63)}.${text(63)}.${text(53)}.example`;

/** Every list at its longest, every string and number at its largest the schema takes (ASCII). */
const largest = () => ({
  agingBuckets: Array.from({ length: 10 }, (_, i) => 36_491 + i),
  payerRules: Array.from({ length: settingsLimits.payerRules }, () => ({
    payerType: 'commercial',
    state: 'TX',
    payerId: text(64),
    participating: false,
    effectiveFrom: '2026-01-01',
    limits: {
      // The longest of the two forms (the older timelyFilingDays: MAX_SAFE_INTEGER is 35 bytes; this is 54).
      timelyFiling: { amount: 100, unit: 'calendar-years' },
      presumedReceiptDays: 365,
      appealDays: Object.fromEntries(['redetermination', 'reconsideration', 'alj', 'council', 'court', 'first', 'second', 'external'].map((l) => [l, Number.MAX_SAFE_INTEGER])),
      noResponseDays: { electronic: Number.MAX_SAFE_INTEGER, paper: Number.MAX_SAFE_INTEGER },
      secondaryFilingDays: Number.MAX_SAFE_INTEGER,
      appealFollowUpDays: Number.MAX_SAFE_INTEGER,
    },
    note: text(200),
  })),
  contractRates: Array.from({ length: settingsLimits.contractRates }, () => ({ payerId: text(64), procedureCode: '99213', allowedCentsPerUnit: 100_000_000, effectiveFrom: '2026-01-01' })),
  assignmentRules: Array.from({ length: settingsLimits.assignmentRules }, () => ({
    queue: 'timely-filing-expired',
    payerIds: Array.from({ length: settingsLimits.payerIdsPerRule }, () => text(64)),
    minDollarsCents: Number.MAX_SAFE_INTEGER,
    maxDollarsCents: Number.MAX_SAFE_INTEGER,
    assignee: `biller:${text(64)}`,
  })),
  underpaymentThresholdCents: Number.MAX_SAFE_INTEGER,
  managerEmails: Array.from({ length: settingsLimits.managerEmails }, (_, i) => longEmail(i)),
  billers: Array.from({ length: settingsLimits.billers }, (_, i) => ({
    userId: `${text(60)}${String(i).padStart(3, '0')}`,
    email: longEmail(i),
    displayName: text(80),
    teams: Array.from({ length: settingsLimits.teamsPerBiller }, () => text(64)),
  })),
  alerts: { percentArOver90Above: 100, timelyFilingRiskCentsAbove: Number.MAX_SAFE_INTEGER, deadLettersNotEmpty: true, runCompleteBy: '23:59' },
});

describe('tenant settings size', () => {
  it('accepts every list at its longest, and that still fits one DynamoDB item', () => {
    expect(longEmail(0)).toHaveLength(254);
    const settings = tenantSettings.parse(largest());
    expect(bytes(settings)).toBeLessThanOrEqual(settingsLimits.storedBytes);
    expect(settingsLimits.storedBytes).toBeLessThan(dynamoItemBytes - 8 * 1024);
  });

  it('refuses one more element of a list, naming the list', () => {
    for (const field of ['payerRules', 'contractRates', 'assignmentRules', 'managerEmails', 'billers'] as const) {
      const settings = largest() as unknown as Record<string, unknown[]>;
      settings[field] = [...settings[field]!, settings[field]![0]];
      if (field === 'billers') settings.billers![settings.billers!.length - 1] = { ...(settings.billers![0] as object), userId: 'one-more' };
      const result = tenantSettings.safeParse(settings);
      expect(result.success, field).toBe(false);
      expect(result.error!.issues.map((i) => i.path[0])).toContain(field);
    }
  });

  it('refuses strings over their bound, naming the field', () => {
    const result = tenantSettings.safeParse({ contractRates: [{ payerId: text(65), procedureCode: '99213', allowedCentsPerUnit: 1, effectiveFrom: '2026-01-01' }], payerRules: [{ payerId: text(65), effectiveFrom: '2026-01-01', limits: {} }] });
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['contractRates.0.payerId', 'payerRules.0.payerId']));
  });

  it('measures the whole once more: text that grows when stored (escaped control characters) is refused by its field', () => {
    const settings = largest();
    for (const rule of settings.payerRules) rule.note = text(200, '\u0001');
    const result = tenantSettings.safeParse(settings);
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: ['payerRules'], message: expect.stringContaining('at most 380000') })]);
  });

  it('still accepts the demo settings and the defaults', () => {
    expect(tenantSettings.safeParse(demoSettings).success).toBe(true);
    expect(tenantSettings.safeParse({}).success).toBe(true);
  });
});
