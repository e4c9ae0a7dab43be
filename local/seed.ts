// Seeds the demo data set through the same validation, state machine and store the ingest consumer uses.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { claimEvent } from '../functions/domain/claim-events.js';
import type { AppConfig } from '../functions/shared/config-schema.js';
import { ingestClaimEvent } from '../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../functions/store/claim-store.js';
import { seedMarkerKey } from '../functions/store/keys.js';
import { TenantSettingsStore } from '../functions/store/tenant-settings-store.js';
import { demoClaimEvents } from './demo-data.js';
import { demoX12Files } from './demo-x12.js';

/** Demo claims per tenant, in the order of config.tenants; DEMO_CLAIMS_PER_TENANT sets one count for all. */
const demoClaimCount = (index: number): number => {
  const override = Number(process.env.DEMO_CLAIMS_PER_TENANT);
  if (Number.isInteger(override) && override > 0) return override;
  return [2400, 1600][index] ?? 1000;
};

export interface SeedProgress {
  start(total: number): void;
  increment(): void;
  stop(): void;
}

/** The demo biller's reminder address: they work the first demo practice only (their token's only tenant). */
const demoBillers = [{ userId: 'demo-biller', email: 'biller@demo.example', displayName: 'Demo Biller', teams: ['front-end'] }];

/** Demo settings: who works what, a few contracted rates so underpayments show, and alert thresholds to try. */
export const demoSettings = {
  alerts: { percentArOver90Above: 15, timelyFilingRiskCentsAbove: 500_000, deadLettersNotEmpty: true, runCompleteBy: '06:00' },
  assignmentRules: [
    { queue: 'denials', minDollarsCents: 20_000, assignee: 'biller:demo-biller' },
    { queue: 'rejections', assignee: 'team:front-end' },
    { queue: 'credit-balance', assignee: 'team:refunds' },
  ],
  contractRates: ['aetna', 'uhc', 'cigna', 'bcbs'].flatMap((payerId) =>
    [
      ['99213', 11_500],
      ['99214', 16_500],
      ['85025', 1_900],
      ['80053', 3_400],
      ['93000', 4_500],
      ['20610', 24_000],
      ['J1100', 1_400],
      ['97110', 6_800],
    ].map(([procedureCode, cents]) => ({ payerId, procedureCode, allowedCentsPerUnit: cents, effectiveFrom: '2026-01-01' })),
  ),
};

/** The other demo practices: no reminders, and nothing routed to the demo biller, who cannot open them. */
const otherPracticeSettings = {
  ...demoSettings,
  billers: [],
  assignmentRules: demoSettings.assignmentRules.filter((rule) => !rule.assignee.startsWith('biller:')),
};

/** An X12 file of the demo, to put in the tenant's inbox once the system runs. */
export interface DemoFile {
  readonly tenantId: string;
  readonly name: string;
  readonly text: string;
}

export interface SeedResult {
  /** Claims seeded (those that arrive in the files included). */
  readonly claims: number;
  /**
   * Part of the demo as X12 files (local/demo-x12.ts): an 837 of yesterday's new claims and an 835 of the latest remit
   * day's, per practice. Their events are not seeded: they arrive when the files go through the inbox.
   */
  readonly files: readonly DemoFile[];
}

/** The interchange control numbers of a practice's demo files (two each). */
const demoControlNumber = (index: number): number => 900_000_001 + index * 2;

/**
 * Seeds every tenant that has no seed marker yet: the claims' events straight through ingest, but those the demo's X12
 * files carry, which are returned to be put in the inbox.
 */
export const seedDemoData = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  config: AppConfig,
  today: string,
  progress?: SeedProgress,
): Promise<SeedResult> => {
  const store = new ClaimStore(client, tableName, config.shardCount);
  const context = { isKnownTenant: (id: string) => config.tenants.some((t) => t.id === id), receivedAt: new Date().toISOString() };
  const pending: Array<{ tenantId: string; name: string; index: number; claims: number; seed: number }> = [];
  for (const [i, tenant] of config.tenants.entries()) {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: seedMarkerKey(tenant.id) }));
    if (!Item) pending.push({ tenantId: tenant.id, name: tenant.name, index: i, claims: demoClaimCount(i), seed: 1000 + i });
  }
  const total = pending.reduce((sum, p) => sum + p.claims, 0);
  const files: DemoFile[] = [];
  if (total === 0) return { claims: 0, files };
  progress?.start(total);
  for (const tenant of pending) {
    const options = { tenantId: tenant.tenantId, claims: tenant.claims, today, seed: tenant.seed };
    // The demo is deterministic: one pass picks what the files carry, the next seeds the rest.
    const firstClaimId = demoClaimEvents({ ...options, claims: 1 }).next().value?.[0]?.payload.claimId ?? 'DEMO-000001';
    const part = demoX12Files(demoClaimEvents(options), {
      today,
      controlNumber: demoControlNumber(tenant.index),
      practiceName: tenant.name,
      unmatchedClaimId: firstClaimId.replace(/-\d+$/, '-PRIOR-0001'),
    });
    for (const file of part.files) files.push({ tenantId: tenant.tenantId, ...file });
    const claims = demoClaimEvents(options);
    // A few claims at a time: each is a short sequence of conditional transactions.
    const worker = async (): Promise<void> => {
      for (let next = claims.next(); !next.done; next = claims.next()) {
        for (const event of next.value) if (!part.carried.has(event.eventId)) await ingestClaimEvent(store, claimEvent.parse(event), context);
        progress?.increment();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const settings = tenant.tenantId === config.tenants[0]!.id ? { ...demoSettings, billers: demoBillers } : otherPracticeSettings;
    await new TenantSettingsStore(client, tableName).put(tenant.tenantId, settings, 'demo-seed', new Date().toISOString());
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...seedMarkerKey(tenant.tenantId), claims: tenant.claims, seededOn: today } }),
    );
  }
  progress?.stop();
  return { claims: total, files };
};
