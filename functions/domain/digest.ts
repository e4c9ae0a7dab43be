// The managers' morning digest: what the night found for a practice, how it compares with the night before, who
// has what on their desk, what got done, and whether the run was healthy. Counts, dollars, buckets and payer
// names only: nothing here can name a patient or a claim.
import type { Kpis } from './kpis.js';
import { percentOf } from './ar-report.js';
import { addDays, type CalendarDate } from './calendar.js';
import type { NightSummary } from './night-summary.js';
import type { BillerContact, FollowUpQueue } from './tenant-settings.js';

export interface RunHealth {
  readonly status: 'running' | 'complete';
  readonly claimsAged: number;
  readonly durationSeconds?: number;
  /** Shard messages that failed and were retried during the run. */
  readonly shardRetries: number;
  /** Claim events refused as invalid since the previous night (kept for an operator to correct and re-send). */
  readonly refusedEvents: number;
  /** Messages waiting in each dead-letter queue of the deployment. */
  readonly deadLetters: ReadonlyArray<{ readonly queue: string; readonly messages: number }>;
}

/**
 * The X12 remittances (835 transactions) received since the previous digest: `since` is when the previous night
 * completed (else 24 hours before this one did), `through` when this one completed.
 */
export interface RemittancesReceived {
  readonly since: string;
  readonly through: string;
  /** 835 transactions received, accepted or refused. */
  readonly count: number;
  /** The payments of the accepted ones (BPR02), what was applied to claims. */
  readonly cents: number;
  /** Claim lines of accepted remittances for claims the practice does not hold (the unmatched-remittance queue). */
  readonly unmatched: number;
  /** Of them, refused whole (unbalanced, unreadable, not 5010): none of their claims was touched. */
  readonly refused: number;
}

/**
 * The automatic status checks since the previous digest (the window of `RemittancesReceived`: since the previous night
 * completed, else the 24 hours before this one did, through this night's completion):
 * - `sent`: the 276 files written in the window (the inquiries that followed the previous night: a night's own are
 *   written after its digest) and the claims they asked;
 * - `answered`: answers to our 276s received in the window: claim-level 277 statuses echoing one of our traces, each
 *   trace once, whatever 276 they answer (a 277 applied by claim id without our trace is not counted);
 * - `moved`: of the claims those answers are for, the ones whose work after tonight's run is not where it was when
 *   they were asked: the queue of the open work item, or no open work (out of follow-up, pended at the payer, or
 *   held while the answer was awaited), compared as they stand after this night. `movedTo` says where they went.
 */
export interface StatusInquiryFigures {
  readonly since: string;
  readonly through: string;
  readonly sent: { readonly files: number; readonly claims: number };
  readonly answered: number;
  readonly moved: number;
  /** Where the moved claims are now, most first: a queue, or `no-open-work`. */
  readonly movedTo: ReadonlyArray<{ readonly to: FollowUpQueue | 'no-open-work'; readonly claims: number }>;
}

export interface TenantDigest {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly runDate: CalendarDate;
  readonly night: NightSummary;
  /** Change of % AR over 90 since the previous night, in percentage points; undefined without a previous night. */
  readonly percentOver90Change?: number;
  /** Open work per biller, team and the unassigned pool, by display name. */
  readonly backlogByAssignee: ReadonlyArray<{ readonly name: string; readonly count: number; readonly cents: number }>;
  /** Actions billers recorded on the day before the run (tenant-local), most first. */
  readonly workDone: ReadonlyArray<{ readonly name: string; readonly actions: number }>;
  readonly health: RunHealth;
  /** Days in AR, denial rate and net collection rate on the run date, each with its basis. */
  readonly kpis?: Kpis;
  readonly remittances?: RemittancesReceived;
  /** For a practice with payers asked by 276. */
  readonly statusInquiries?: StatusInquiryFigures;
}

/** The day whose work a digest reports: the tenant-local day before the run date. */
export const workDayBefore = (runDate: CalendarDate): CalendarDate => addDays(runDate, -1);

/** How an assignee is shown to a manager: the biller's display name, "Team x", or the unassigned pool. */
export const assigneeName = (assignee: string, billers: readonly BillerContact[]): string => {
  if (assignee === 'pool') return 'Unassigned pool';
  if (assignee.startsWith('team:')) return `Team ${assignee.slice('team:'.length)}`;
  const userId = assignee.startsWith('biller:') ? assignee.slice('biller:'.length) : assignee;
  return billers.find((b) => b.userId === userId)?.displayName ?? userId;
};

export interface DigestInput {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly runDate: CalendarDate;
  readonly night: NightSummary;
  readonly previousNight?: NightSummary;
  /** Actions recorded per user id on the work day. */
  readonly actionsByUser: Readonly<Record<string, number>>;
  readonly billers: readonly BillerContact[];
  readonly health: RunHealth;
  readonly kpis?: Kpis;
  readonly remittances?: RemittancesReceived;
  readonly statusInquiries?: StatusInquiryFigures;
}

export const tenantDigest = (input: DigestInput): TenantDigest => ({
  tenantId: input.tenantId,
  tenantName: input.tenantName,
  runDate: input.runDate,
  night: input.night,
  ...(input.previousNight ? { percentOver90Change: Math.round((input.night.ar.percentOver90 - input.previousNight.ar.percentOver90) * 10) / 10 } : {}),
  backlogByAssignee: input.night.backlogByAssignee.map((row) => ({ name: assigneeName(row.assignee, input.billers), count: row.count, cents: row.cents })),
  workDone: Object.entries(input.actionsByUser)
    .filter(([, actions]) => actions > 0)
    .map(([userId, actions]) => ({ name: assigneeName(userId, input.billers), actions }))
    .sort((a, b) => b.actions - a.actions || a.name.localeCompare(b.name)),
  health: input.health,
  ...(input.kpis ? { kpis: input.kpis } : {}),
  ...(input.remittances ? { remittances: input.remittances } : {}),
  ...(input.statusInquiries ? { statusInquiries: input.statusInquiries } : {}),
});

/** Where a claim's work is: the queue of its open item, or none. */
export type WorkRoute = FollowUpQueue | 'no-open-work';

/**
 * The status-check figures of a digest's window (see `StatusInquiryFigures`), from the batches of the recent nights
 * (when each was written, its claims, its answers) and where each answered claim's work is after tonight. Times are
 * ISO instants: in the window when `since < t <= through`.
 */
export const statusInquiryFigures = (
  since: string,
  through: string,
  batches: ReadonlyArray<{ readonly createdAt: string; readonly claimCount: number; readonly answers: ReadonlyArray<{ readonly claimId: string; readonly queue?: FollowUpQueue; readonly at: string }> }>,
  workNow: (claimId: string) => WorkRoute,
): StatusInquiryFigures => {
  const inWindow = (at: string): boolean => at > since && at <= through;
  const written = batches.filter((b) => inWindow(b.createdAt));
  const answers = batches.flatMap((b) => b.answers.filter((a) => inWindow(a.at))).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  // A claim answered twice in the window (two inquiries) moved once: from where it was when first asked.
  const askedFrom = new Map<string, WorkRoute>();
  for (const a of answers) if (!askedFrom.has(a.claimId)) askedFrom.set(a.claimId, a.queue ?? 'no-open-work');
  const movedTo = new Map<WorkRoute, number>();
  for (const [claimId, before] of askedFrom) {
    const now = workNow(claimId);
    if (now !== before) movedTo.set(now, (movedTo.get(now) ?? 0) + 1);
  }
  return {
    since,
    through,
    sent: { files: written.length, claims: written.reduce((s, b) => s + b.claimCount, 0) },
    answered: answers.length,
    moved: [...movedTo.values()].reduce((s, n) => s + n, 0),
    movedTo: [...movedTo].map(([to, claims]) => ({ to, claims })).sort((a, b) => b.claims - a.claims || a.to.localeCompare(b.to)),
  };
};

/** The figures of the files received in a window, from their summaries (older summaries lack some: zero). */
export const remittancesReceived = (
  since: string,
  through: string,
  files: ReadonlyArray<{ readonly remittanceTransactionCount?: number; readonly remittanceCents?: number; readonly unmatchedClaimCount?: number; readonly refusedRemittanceCount?: number }>,
): RemittancesReceived => ({
  since,
  through,
  count: files.reduce((s, f) => s + (f.remittanceTransactionCount ?? 0), 0),
  cents: files.reduce((s, f) => s + (f.remittanceCents ?? 0), 0),
  unmatched: files.reduce((s, f) => s + (f.unmatchedClaimCount ?? 0), 0),
  refused: files.reduce((s, f) => s + (f.refusedRemittanceCount ?? 0), 0),
});

/** The window a digest's remittances are counted over: since the previous night completed, else the 24 hours before. */
export const remittanceWindow = (completedAt: string, previousCompletedAt: string | undefined): { since: string; through: string } => ({
  since: previousCompletedAt && previousCompletedAt < completedAt ? previousCompletedAt : new Date(Date.parse(completedAt) - 86_400_000).toISOString(),
  through: completedAt,
});

export interface PortfolioTotals {
  readonly arCents: number;
  readonly over90Cents: number;
  readonly percentOver90: number;
  readonly timelyFilingRiskCents: number;
  readonly newDenials: number;
  readonly backlog: number;
}

/** Totals across the practices of a manager of several. */
export const portfolioTotals = (digests: readonly TenantDigest[]): PortfolioTotals => {
  const sum = (f: (d: TenantDigest) => number): number => digests.reduce((s, d) => s + f(d), 0);
  const arCents = sum((d) => d.night.ar.totalCents);
  const over90Cents = sum((d) => d.night.ar.over90Cents);
  return {
    arCents,
    over90Cents,
    percentOver90: percentOf(over90Cents, arCents),
    timelyFilingRiskCents: sum((d) => d.night.timelyFilingRisk.cents),
    newDenials: sum((d) => d.night.newDenials.reduce((s, row) => s + row.count, 0)),
    backlog: sum((d) => d.night.backlogByQueue.reduce((s, row) => s + row.count, 0)),
  };
};
