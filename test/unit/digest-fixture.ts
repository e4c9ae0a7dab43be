// A practice's night as fixed data, for the email tests and the browser screenshot of the digest.
import { kpisOn } from '../../functions/domain/kpis.js';
import { tenantDigest, type TenantDigest } from '../../functions/domain/digest.js';
import { summarizeNight, type Tally } from '../../functions/domain/night-summary.js';
import { billerContact } from '../../functions/domain/tenant-settings.js';

const bounds = [30, 60, 90, 120];

/** A practice's night, fixed: $1,234,567.89 of AR, 34.2% over 90, ten payers (two beyond the chart's eight). */
export const fixedTally: Tally = {
  claimsAged: 1_250,
  'opened:denials': 7,
  'closed:no-response': 3,
  'ar:total': 123_456_789,
  'ar:claims': 1_100,
  'ar:over90': 42_222_222,
  'ar:over120': 20_000_000,
  'ar:bucket:0-30': 40_000_000,
  'ar:bucket:31-60': 25_000_000,
  'ar:bucket:61-90': 16_234_567,
  'ar:bucket:91-120': 22_222_222,
  'ar:bucket:120+': 20_000_000,
  ...Object.fromEntries(
    ['Aetna', 'Cigna', 'UnitedHealthcare', 'Blue Cross <Blue> & Shield', 'Medicare', 'Humana', 'Medicaid', 'Tricare', 'Oscar', 'Molina'].map((payer, i) => [
      `ar:payer:${payer}`,
      [30_000_000, 25_000_000, 20_000_000, 15_000_000, 12_000_000, 9_000_000, 6_000_000, 3_000_000, 2_456_789, 1_000_000][i]!,
    ]),
  ),
  'risk:timely-filing': 1_875_050,
  'risk:timely-filing-claims': 9,
  'denials:new:authorization': 4,
  'denials:new-cents:authorization': 480_000,
  'denials:new:coding': 3,
  'denials:new-cents:coding': 120_000,
  'backlog:queue:denials': 41,
  'backlog:queue-cents:denials': 2_400_000,
  'backlog:queue:no-response': 120,
  'backlog:queue-cents:no-response': 9_800_000,
  'backlog:overdue:no-response': 17,
  'backlog:assignee:biller:u-1': 60,
  'backlog:assignee-cents:biller:u-1': 7_000_000,
  'backlog:assignee:team:front-end': 30,
  'backlog:assignee-cents:team:front-end': 2_000_000,
  'backlog:assignee:pool': 71,
  'backlog:assignee-cents:pool': 3_200_000,
};

export const fixedDigest = (changes: Partial<Parameters<typeof tenantDigest>[0]> = {}): TenantDigest =>
  tenantDigest({
    tenantId: 'lakeside',
    tenantName: 'Lakeside Family Practice',
    runDate: '2026-11-24',
    night: summarizeNight(fixedTally, bounds),
    previousNight: summarizeNight({ ...fixedTally, 'ar:over90': 40_617_283 }, bounds),
    actionsByUser: { 'u-1': 37, 'u-2': 12 },
    billers: [billerContact.parse({ userId: 'u-1', email: 'ana@lakeside.example', displayName: 'Ana Ruiz' })],
    health: { status: 'complete', claimsAged: 1_250, durationSeconds: 252, shardRetries: 1, refusedEvents: 2, deadLetters: [{ queue: 'ingest', messages: 2 }, { queue: 'aging', messages: 0 }] },
    // Open AR $1,234,567.89 over average daily charges of $30,000.00 ($2,700,000.00 in 90 days) = 41.15 -> 41.2 days;
    // 12 of 150 first adjudications denied = 8.0 %; nothing submitted in the window: net collection rate n/a.
    kpis: kpisOn('2026-11-24', 123_456_789, new Map([['2026-11-01', { chargesByService: 270_000_000, chargesBySubmission: 0, adjudicated: 150, deniedFirst: 12, paymentsCents: 0, contractualCents: 0 }]])),
    ...changes,
  });

