// The pure part of a settings preview: claims planned now and with the change, compared and summed (movements with at
// most 20 samples, the largest first; deadlines; assignees, a manager's assignment kept) and alerts read as
// notifications read them.
import { describe, expect, it } from 'vitest';
import { addDays } from '../../functions/domain/calendar.js';
import { claimFromEvents, isClaim, type Claim } from '../../functions/domain/claim.js';
import { assigneeAfterNight, previewAlerts, SettingsPreviewTally } from '../../functions/domain/settings-preview.js';
import { PreviewTooLongError, previewSettings, type SettingsPreviewDeps } from '../../functions/services/settings-preview.js';
import type { WorkItem } from '../../functions/store/work-item-store.js';
import { tenantSettings, type TenantSettings } from '../../functions/domain/tenant-settings.js';
import { planWorkItem, type WorkItemMarks } from '../../functions/domain/work-item.js';
import { submitted } from './claim-fixtures.js';

const today = '2026-12-01';

/** A commercial participating claim of `cents`, served `daysAgo` days ago and submitted the day after, never answered. */
const unanswered = (claimId: string, cents: number, daysAgo: number): Claim => {
  const serviceOn = addDays(today, -daysAgo);
  const state = claimFromEvents('clinic-a', claimId, [
    submitted(`${addDays(serviceOn, 1)}T15:00:00Z`, {
      claimId,
      serviceDate: { from: serviceOn, through: serviceOn },
      submittedOn: addDays(serviceOn, 1),
      lines: [{ procedureCode: '99213', modifiers: [], units: 1, chargeCents: cents }],
      totalChargeCents: cents,
    }),
  ]);
  if (!isClaim(state)) throw new Error('not a claim');
  return state;
};

const current = tenantSettings.parse({});
const stricter = tenantSettings.parse({ payerRules: [{ payerType: 'commercial', participating: true, effectiveFrom: '2020-01-01', limits: { timelyFiling: { amount: 30, unit: 'days' } } }] });

const preview = (claims: readonly Claim[], proposed: TenantSettings, marks: Record<string, WorkItemMarks> = {}) => {
  const tally = new SettingsPreviewTally(today, current, proposed);
  for (const claim of claims) tally.add(claim, undefined, planWorkItem(claim, current, today, marks[claim.claimId]), planWorkItem(claim, proposed, today, marks[claim.claimId]));
  return tally.result();
};

describe('settings preview tally', () => {
  it('counts every movement but keeps 20 samples, the largest first', () => {
    // Served 50 days ago: filing closes in 40 days under 90, passed 20 days ago under 30. No-response is due.
    const claims = Array.from({ length: 25 }, (_, i) => unanswered(`C${String(i).padStart(2, '0')}`, 10_000 + i * 100, 50));
    const result = preview(claims, stricter);
    expect(result.movements).toHaveLength(1);
    const [move] = result.movements;
    expect(move).toMatchObject({ from: 'no-response', to: 'deadline-passed', count: 25, dollarsCents: claims.reduce((n, c) => n + c.money.payerBalanceCents, 0) });
    expect(move!.samples).toHaveLength(20);
    expect(move!.samples.map((s) => s.claimId)).toEqual(Array.from({ length: 20 }, (_, i) => `C${String(24 - i).padStart(2, '0')}`));
    expect(result.deadlines).toMatchObject({ earlier: 25, becomePastDue: 25 });
    expect(result.deadlines.byKind[0]!.samples).toHaveLength(20);
  });

  it('previews nothing for the same settings, and respects a pend the change does not reach', () => {
    const claims = [unanswered('A', 20_000, 50), unanswered('B', 30_000, 25)];
    const same = preview(claims, tenantSettings.parse({}));
    expect(same.movements).toEqual([]);
    expect(same.deadlines).toEqual({ earlier: 0, later: 0, becomePastDue: 0, reopen: 0, byKind: [] });
    expect(same.queues.every((q) => JSON.stringify(q.now) === JSON.stringify(q.withChange))).toBe(true);
    // B is pended 3 days: its filing deadline with the change (served 25 days ago: in 5 days) is after the pend, so it
    // stays hidden; A's passes (no-response → deadline-passed).
    const pended = preview(claims, stricter, { B: { followUpOn: addDays(today, 3) } });
    expect(pended.movements.map((m) => [m.from, m.to, m.count])).toEqual([['no-response', 'deadline-passed', 1]]);
  });

  it('reports assignee changes, keeping a manager’s assignment of an open item', () => {
    const rules = tenantSettings.parse({ assignmentRules: [{ queue: 'no-response', assignee: 'team:follow-up' }] });
    const claim = unanswered('A', 20_000, 30);
    const plan = (settings: TenantSettings) => planWorkItem(claim, settings, today);
    const tally = new SettingsPreviewTally(today, current, rules);
    tally.add(claim, undefined, plan(current), plan(rules));
    tally.add({ ...claim, claimId: 'B' }, { status: 'open', queue: 'no-response', assignee: 'biller:ana', assignedManually: true }, plan(current), plan(rules));
    const { assignees } = tally.result();
    expect(assignees.changed).toBe(1);
    expect(assignees.changes).toEqual([{ from: 'pool', to: 'team:follow-up', count: 1, dollarsCents: 20_000, samples: [{ claimId: 'A', from: 'pool', to: 'team:follow-up', dollarsCents: 20_000 }] }]);
    expect(assigneeAfterNight({ assignee: 'pool' }, { status: 'closed', assignee: 'biller:ana', assignedManually: true })).toBe('pool');
  });
});

describe('preview alerts', () => {
  const withAlerts = (alerts: Record<string, unknown>) => tenantSettings.parse({ alerts });
  const low = { percentArOver90: 5, timelyFilingRiskCents: 0 };
  const high = { percentArOver90: 30, timelyFilingRiskCents: 200_000 };

  it('crosses, clears, or leaves alone as the next night would', () => {
    const set = withAlerts({ percentArOver90Above: 20, timelyFilingRiskCentsAbove: 100_000 });
    expect(previewAlerts(today, set, set, low, high).map((a) => a.change)).toEqual(['crosses', 'crosses']);
    expect(previewAlerts(today, set, set, high, low).map((a) => a.change)).toEqual(['clears', 'clears']);
    expect(previewAlerts(today, set, set, high, high).map((a) => a.change)).toEqual(['none', 'none']);
    // A threshold raised above the figure clears it; one turned off is left as it stands (a night reads no figure for it).
    const raised = withAlerts({ percentArOver90Above: 40 });
    expect(previewAlerts(today, set, raised, high, high)).toEqual([
      { kind: 'ar-over-90', now: { crossed: true, value: '30.0%', threshold: '20.0%' }, withChange: { crossed: false, value: '30.0%', threshold: '40.0%' }, change: 'clears' },
      { kind: 'timely-filing-risk', now: { crossed: true, value: '$2,000', threshold: '$1,000' }, withChange: null, change: 'none' },
    ]);
  });
});

describe('previewSettings (the reading)', () => {
  /** Shards of claims, paged as the store pages them; counts the reads. */
  const store = (shards: readonly Claim[][], items: ReadonlyMap<string, WorkItem> = new Map()) => {
    const stats = { pages: 0, itemReads: 0 };
    const deps: SettingsPreviewDeps = {
      shardCount: shards.length,
      claims: {
        pageOpenClaims: async (_tenant, shard, limit, cursor) => {
          stats.pages++;
          const from = cursor ? Number(cursor) : 0;
          const claims = shards[shard]!.slice(from, from + limit).map((claim) => ({ claim, version: 1 }));
          return from + limit < shards[shard]!.length ? { claims, cursor: String(from + limit) } : { claims };
        },
      },
      workItems: {
        getMany: async (_tenant, ids) => {
          stats.itemReads++;
          return new Map(ids.filter((id) => items.has(id)).map((id) => [id, items.get(id)!]));
        },
      },
    };
    return { deps, stats };
  };

  it('reads every shard to its last page, each page’s work items in batches of 100, and plans each claim with its marks', async () => {
    const claims = Array.from({ length: 450 }, (_, i) => unanswered(`C${String(i).padStart(3, '0')}`, 10_000, 50));
    // C000 is pended past its deadline with a manager's consent: hidden now and with the change.
    const pended = { status: 'closed', claimId: 'C000', followUpOn: addDays(today, 60), followUpPastDeadline: true } as unknown as WorkItem;
    const { deps, stats } = store([claims.slice(0, 250), claims.slice(250)], new Map([['C000', pended]]));
    const result = await previewSettings(deps, 'clinic-a', current, stricter, today, { budgetMs: 60_000 });
    expect(result.claims).toBe(450);
    // Shard 0: pages of 200 + 50; shard 1: 200. Work items: 2 + 1 + 2 batches.
    expect(stats.pages).toBe(3);
    expect(stats.itemReads).toBe(5);
    expect(result.movements).toEqual([expect.objectContaining({ from: 'no-response', to: 'deadline-passed', count: 449 })]);
  });

  it('stops with PreviewTooLongError once its budget is spent, rather than answer for part of the claims', async () => {
    const claims = Array.from({ length: 600 }, (_, i) => unanswered(`C${i}`, 10_000, 50));
    const { deps } = store([claims]);
    let clock = 0;
    const slow = { budgetMs: 1_000, now: () => (clock += 600) };
    await expect(previewSettings(deps, 'clinic-a', current, stricter, today, slow)).rejects.toBeInstanceOf(PreviewTooLongError);
  });
});
