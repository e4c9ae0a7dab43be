// The API's shapes, from the same zod schemas the API validates with and generates /openapi.json from (type-only
// imports: nothing of zod or the server reaches the bundle). What the schemas leave loose is written out here.
import type { z } from 'zod';
import type * as S from '../../functions/api/schemas.js';

export type WorkItem = z.infer<typeof S.workItemView>;
export type WorkItemPage = z.infer<typeof S.workItemPage>;
export type QueueSummaries = z.infer<typeof S.queueSummaries>;
export type QueueSummary = QueueSummaries['tenants'][number]['queues'][number];
export type QueueName = WorkItem['queue'];
export type ActionRecorded = z.infer<typeof S.actionRecorded>;
export type AgingReport = z.infer<typeof S.agingReport>;
export type Caller = z.infer<typeof S.caller>;
export type SearchResult = z.infer<typeof S.claimSearchResult>;
export type Problem = z.infer<typeof S.problem>;

export interface Clock {
  readonly kind: string;
  readonly level?: string;
  readonly startsOn: string;
  readonly dueOn: string;
  readonly daysLeft: number;
}

export type HistoryEntry =
  | { readonly at: string; readonly kind: 'event'; readonly type: string; readonly source: string; readonly receivedAt: string }
  | {
      readonly at: string;
      readonly kind: 'action';
      readonly type: string;
      readonly outcome: string;
      readonly userId: string;
      readonly callReference?: string;
      readonly appealLevel?: string;
      readonly nextFollowUpOn?: string;
      readonly followUpPastDeadline?: boolean;
      readonly writeOffCents?: number;
      readonly writeOffReason?: string;
    };

/** GET /claims/{id}: the fields the claim screen shows (the answer carries more). */
export interface ClaimDetail {
  readonly tenantId: string;
  readonly claimId: string;
  readonly status: string;
  readonly open: boolean;
  readonly payer: { readonly id: string; readonly name: string; readonly type: string };
  readonly serviceFrom: string;
  readonly serviceThrough: string;
  readonly submittedOn?: string;
  readonly payerClaimNumber?: string;
  readonly money: {
    readonly billedCents: number;
    readonly paidCents: number;
    readonly patientResponsibilityCents: number;
    readonly payerBalanceCents: number;
    readonly creditBalanceCents: number;
    readonly deniedCents: number;
    readonly writtenOffCents: number;
  };
  readonly age?: { readonly days: number; readonly bucket: string };
  readonly clocks: readonly Clock[];
  readonly workItem: WorkItem | null;
  readonly history: readonly HistoryEntry[];
  readonly historyCursor?: string;
  readonly remittances: ReadonlyArray<{ readonly remitId: string; readonly listedOn: string; readonly traceNumber: string | null; readonly [k: string]: unknown }>;
}

/** GET /reports/nights (functions/api/reports.ts). */
export interface NightlyTrend {
  readonly tenantId: string;
  readonly through: string;
  readonly nights: ReadonlyArray<{
    readonly runDate: string;
    readonly status: 'running' | 'complete' | 'none';
    readonly arCents?: number;
    readonly over90Cents?: number;
    readonly percentArOver90?: number;
    readonly timelyFilingRiskCents?: number;
    readonly backlogItems?: number;
    readonly backlogCents?: number;
    readonly workDone: ReadonlyArray<{ readonly userId: string; readonly actions: number }>;
  }>;
  readonly alerts: ReadonlyArray<{ readonly kind: string; readonly asOf: string; readonly crossed: boolean; readonly value: string; readonly threshold: string }>;
}

/** The tenant settings document (GET/PUT /config/settings): edited as a whole, validated by the API. */
export type Settings = Record<string, unknown> & {
  agingBuckets: number[];
  underpaymentThresholdCents: number;
  managerEmails: string[];
  billers: Array<{ userId: string; email: string; displayName?: string; teams: string[] }>;
  alerts: { percentArOver90Above?: number; timelyFilingRiskCentsAbove?: number; deadLettersNotEmpty: boolean; runCompleteBy?: string };
};

/** /config.json: how this deployment signs in. */
export type AppConfig =
  | { readonly mode: 'local'; readonly apiUrl: string }
  | { readonly mode: 'cognito'; readonly apiUrl: string; readonly cognitoDomain: string; readonly clientId: string; readonly redirectUri: string };
