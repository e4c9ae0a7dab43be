// Previewing a settings change (issue 17) through the local API: a stricter timely-filing rule moves the claims whose
// deadline it pulls into the past, a new assignment rule reassigns the expected items, the current settings preview no
// movement at all, and nothing is written but one audit entry. Dates are relative to the tenant's today, worked out in
// the comments.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateAt } from '../../functions/domain/calendar.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { tableDesign } from '../../functions/shared/resources.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import type { DevAuth } from '../../local/dev-auth.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, fullDenialEvent, documentClient, localStack, startTestApi, submittedEvent, testConfig, uniqueTenant } from './harness.js';

const filing = uniqueTenant('pv-filing');
const assigning = uniqueTenant('pv-assign');
const config = testConfig([filing, assigning]);
const tenantOf = (id: string) => config.tenants.find((t) => t.id === id)!;
// The API's today: the tenant's local date (America/Chicago).
const today = localDateAt(new Date().toISOString(), 'America/Chicago');
const T = (days: number) => addDays(today, days);
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);

const token = (sub: string, roles: Array<'biller' | 'manager' | 'admin'>, tenants: string[]) => auth.sign({ sub, email: `${sub}@x.example`, roles, tenants });
const call = async (method: string, path: string, bearer: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
};

const aetna = { id: 'aetna', name: 'Aetna', type: 'commercial' };
const cigna = { id: 'cigna', name: 'Cigna', type: 'commercial' };

/** A claim of `cents` on one line, served on `serviceOn`, submitted electronically on `submittedOn`, never answered. */
const unansweredClaim = async (tenantId: string, claimId: string, cents: number, serviceOn: string, submittedOn: string, changes: Record<string, unknown> = {}) => {
  const event = submittedEvent(tenantId, claimId, { occurredAt: `${submittedOn}T15:00:00Z` });
  const payload = { ...event.payload, serviceDate: { from: serviceOn, through: serviceOn }, submittedOn, lines: [{ procedureCode: '99214', modifiers: [], units: 1, chargeCents: cents }], totalChargeCents: cents, ...changes };
  await ingestClaimEvent(claims, claimEvent.parse({ ...event, payload }), directIngest);
};

/** A commercial claim of `cents` denied CO-197 in full on today − 30: its first appeal closes today + 150, it needs no corrected claim. */
const deniedClaim = async (tenantId: string, claimId: string, cents: number, payer = aetna) => {
  const remitOn = T(-30);
  await unansweredClaim(tenantId, claimId, cents, T(-70), T(-68), { payer });
  const remit = fullDenialEvent(tenantId, claimId, cents, remitOn);
  await ingestClaimEvent(claims, claimEvent.parse(remit), directIngest);
};

const night = (tenantId: string) => runNight(runtime.startNightly, documentClient(), localStack().tableName, [tenantOf(tenantId)], today, 60_000);

/** Every item of the table, by key. */
/**
 * The tenant's items (every key starts with its prefix): the other test files, writing their own tenants all the
 * while, never keep two snapshots from agreeing.
 */
const snapshot = async (): Promise<Map<string, string>> => {
  const client = documentClient();
  const items = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: localStack().tableName,
        ExclusiveStartKey: start,
        FilterExpression: 'begins_with(#pk, :tenant)',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
        ExpressionAttributeValues: { ':tenant': `T#${filing}#` },
      }),
    );
    for (const item of page.Items ?? []) items.set(`${item[tableDesign.partitionKey]}|${item[tableDesign.sortKey]}`, JSON.stringify(item, Object.keys(item).sort()));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
};

/** The table once the night's emails and reminders are done: two snapshots a second apart that agree. */
const settled = async (): Promise<Map<string, string>> => {
  let before = await snapshot();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await snapshot();
    if (after.size === before.size && [...after].every(([key, value]) => before.get(key) === value)) return after;
    before = after;
  }
};

// Commercial participating claims file within 90 days of service; the stricter rule makes it 30 (from 2020 on).
const stricterFiling = { payerType: 'commercial', participating: true, effectiveFrom: '2020-01-01', limits: { timelyFiling: { amount: 30, unit: 'days' } } };
// Alert when more than $500 is within 14 days of a timely-filing deadline.
const filingSettings = { alerts: { timelyFilingRiskCentsAbove: 50_000 } };

beforeAll(async () => {
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
  const admin = await token('pv-admin', ['admin'], [filing, assigning]);
  expect((await call('PUT', `/config/settings?tenant=${filing}`, admin, filingSettings)).status).toBe(200);
  // The filing tenant: claims the payer never answered (the filing clock runs: the payer does not have them). Each
  // no-response follow-up is due 21 days after submission. Filing deadline now: service + 90; with the change: + 30.
  await unansweredClaim(filing, 'TF-LATE', 50_000, T(-50), T(-45)); //  no-response due; filing T+40 → T−20: passed
  await unansweredClaim(filing, 'TF-LATE2', 30_000, T(-40), T(-39)); // no-response due; filing T+50 → T−10: passed
  await unansweredClaim(filing, 'TF-SOON', 20_000, T(-25), T(-24)); //  no-response due; filing T+65 → T+5: still open
  await unansweredClaim(filing, 'TF-WAIT', 10_000, T(-10), T(-9)); //   follow-up due T+12: no work; filing T+80 → T+20
  await unansweredClaim(filing, 'TF-PEND', 40_000, T(-26), T(-25)); //  no-response due, pended below; filing T+64 → T+4
  await unansweredClaim(filing, 'TF-WO', 60_000, T(-50), T(-45)); //    as TF-LATE, with a write-off requested below
  await unansweredClaim(filing, 'MCR-1', 70_000, T(-50), T(-45), { payer: { id: 'medicare', name: 'Medicare', type: 'medicare' } }); // 1 calendar year: untouched
  await unansweredClaim(filing, 'NONPAR-1', 80_000, T(-50), T(-45), { participating: false }); //  180 days, not participating: untouched
  // The assignment tenant: three denials (appeal open until T+150) and two claims due for a status check.
  expect((await call('PUT', `/config/settings?tenant=${assigning}`, admin, { billers: [{ userId: 'ana', email: 'ana@x.example' }, { userId: 'bo', email: 'bo@x.example' }] })).status).toBe(200);
  await deniedClaim(assigning, 'DEN-1', 40_000);
  await deniedClaim(assigning, 'DEN-2', 30_000);
  await deniedClaim(assigning, 'DEN-C', 25_000, cigna);
  await unansweredClaim(assigning, 'NR-C', 15_000, T(-30), T(-28), { payer: cigna });
  await unansweredClaim(assigning, 'NR-A', 10_000, T(-30), T(-28));
  await Promise.all([night(filing), night(assigning)]);

  const biller = await token('pv-biller', ['biller'], [filing]);
  // TF-PEND pended to T+20, before its filing deadline (T+64): hidden until then. TF-WO awaits a manager's decision.
  expect((await call('POST', `/claims/TF-PEND/actions?tenant=${filing}`, biller, { type: 'status-check', outcome: 'in process', nextFollowUpOn: T(20) })).status).toBe(201);
  expect((await call('POST', `/claims/TF-WO/actions?tenant=${filing}`, biller, { type: 'write-off-requested', outcome: 'no proof of filing', writeOffReason: 'timely-filing' })).status).toBe(201);
  // A manager gives DEN-2 to bo by hand: the nightly run keeps that, whatever the rules say.
  const manager = await token('pv-manager', ['manager'], [assigning]);
  expect((await call('POST', `/work-items/DEN-2/assign?tenant=${assigning}`, manager, { assignee: 'biller:bo' })).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await stopApi();
});

describe('POST /config/settings/preview', () => {
  it('shows a stricter timely-filing rule moving the claims whose deadline it pulls into the past, respecting pends and write-off requests', async () => {
    const admin = await token('pv-admin', ['admin'], [filing]);
    const current = (await call('GET', `/config/settings?tenant=${filing}`, admin)).body;
    const { status, body } = await call('POST', `/config/settings/preview?tenant=${filing}`, admin, { ...current, payerRules: [stricterFiling] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ tenantId: filing, asOf: today, claims: 8 });
    // TF-LATE and TF-LATE2 lose their last deadline: no-response → deadline-passed ($500 + $300). TF-PEND's pend (T+20)
    // no longer hides it: the filing deadline (T+4) comes before it, so it is back in no-response ($400). TF-WO stays in
    // write-off-approval (the request is kept), TF-SOON stays in no-response (T+5 is still open); the Medicare and
    // non-participating claims do not move.
    expect(body.movements).toEqual([
      {
        from: 'no-response',
        to: 'deadline-passed',
        count: 2,
        dollarsCents: 80_000,
        samples: [
          { claimId: 'TF-LATE', from: 'no-response', to: 'deadline-passed', dollarsCents: 50_000 },
          { claimId: 'TF-LATE2', from: 'no-response', to: 'deadline-passed', dollarsCents: 30_000 },
        ],
      },
      { from: 'none', to: 'no-response', count: 1, dollarsCents: 40_000, samples: [{ claimId: 'TF-PEND', from: 'none', to: 'no-response', dollarsCents: 40_000 }] },
    ]);
    const queue = (name: string) => body.queues.find((q: { queue: string }) => q.queue === name);
    // No-response now: LATE, LATE2, SOON, MCR, NONPAR ($500 + 300 + 200 + 700 + 800); with the change: SOON, PEND, MCR, NONPAR.
    expect(queue('no-response')).toEqual({ queue: 'no-response', now: { items: 5, dollarsCents: 250_000 }, withChange: { items: 4, dollarsCents: 210_000 } });
    expect(queue('deadline-passed')).toEqual({ queue: 'deadline-passed', now: { items: 0, dollarsCents: 0 }, withChange: { items: 2, dollarsCents: 80_000 } });
    expect(queue('write-off-approval')).toEqual({ queue: 'write-off-approval', now: { items: 1, dollarsCents: 60_000 }, withChange: { items: 1, dollarsCents: 60_000 } });
    // Six filing deadlines come 60 days earlier (every commercial participating claim); three of them pass: LATE, LATE2, WO.
    expect(body.deadlines).toMatchObject({ earlier: 6, later: 0, becomePastDue: 3, reopen: 0 });
    expect(body.deadlines.byKind).toHaveLength(1);
    expect(body.deadlines.byKind[0]).toMatchObject({ kind: 'timely-filing', earlier: 6, becomePastDue: 3 });
    // Soonest new deadline first: LATE and WO (T−20), LATE2 (T−10), PEND (T+4), SOON (T+5), WAIT (T+20).
    expect(body.deadlines.byKind[0].samples).toEqual([
      { claimId: 'TF-LATE', kind: 'timely-filing', from: T(40), to: T(-20) },
      { claimId: 'TF-WO', kind: 'timely-filing', from: T(40), to: T(-20) },
      { claimId: 'TF-LATE2', kind: 'timely-filing', from: T(50), to: T(-10) },
      { claimId: 'TF-PEND', kind: 'timely-filing', from: T(64), to: T(4) },
      { claimId: 'TF-SOON', kind: 'timely-filing', from: T(65), to: T(5) },
      { claimId: 'TF-WAIT', kind: 'timely-filing', from: T(80), to: T(20) },
    ]);
    // Within 14 days of filing with the change: SOON (5 days, $200) and PEND (4 days, $400) = $600, above the $500
    // threshold: the alert would cross. Nothing is that close today.
    expect(body.figures).toEqual({ now: { percentArOver90: 0, timelyFilingRiskCents: 0, timelyFilingRiskClaims: 0 }, withChange: { percentArOver90: 0, timelyFilingRiskCents: 60_000, timelyFilingRiskClaims: 2 } });
    expect(body.alerts).toEqual([
      { kind: 'ar-over-90', now: null, withChange: null, change: 'none' },
      { kind: 'timely-filing-risk', now: { crossed: false, value: '$0', threshold: '$500' }, withChange: { crossed: true, value: '$600', threshold: '$500' }, change: 'crosses' },
    ]);
    expect(body.assignees).toMatchObject({ changed: 0, changes: [] });
  });

  it('shows a new assignment rule reassigning the expected items, and keeps a manager’s assignment', async () => {
    const admin = await token('pv-admin', ['admin'], [assigning]);
    const current = (await call('GET', `/config/settings?tenant=${assigning}`, admin)).body;
    const assignmentRules = [
      { queue: 'denials', assignee: 'team:denials' },
      { payerIds: ['cigna'], assignee: 'biller:ana' },
    ];
    const { status, body } = await call('POST', `/config/settings/preview?tenant=${assigning}`, admin, { ...current, assignmentRules });
    expect(status).toBe(200);
    // DEN-1 and DEN-C (Cigna, but the denials rule comes first) go from the pool to team:denials; NR-C (Cigna, not a
    // denial) to biller:ana; NR-A matches no rule and stays in the pool; DEN-2 stays with bo (assigned by hand).
    expect(body.assignees.changed).toBe(3);
    expect(body.assignees.changes).toEqual([
      {
        from: 'pool',
        to: 'team:denials',
        count: 2,
        dollarsCents: 65_000,
        samples: [
          { claimId: 'DEN-1', from: 'pool', to: 'team:denials', dollarsCents: 40_000 },
          { claimId: 'DEN-C', from: 'pool', to: 'team:denials', dollarsCents: 25_000 },
        ],
      },
      { from: 'pool', to: 'biller:ana', count: 1, dollarsCents: 15_000, samples: [{ claimId: 'NR-C', from: 'pool', to: 'biller:ana', dollarsCents: 15_000 }] },
    ]);
    expect(body.assignees.byAssignee).toEqual([
      { assignee: 'biller:ana', now: { items: 0, dollarsCents: 0 }, withChange: { items: 1, dollarsCents: 15_000 } },
      { assignee: 'biller:bo', now: { items: 1, dollarsCents: 30_000 }, withChange: { items: 1, dollarsCents: 30_000 } },
      { assignee: 'pool', now: { items: 4, dollarsCents: 90_000 }, withChange: { items: 1, dollarsCents: 10_000 } },
      { assignee: 'team:denials', now: { items: 0, dollarsCents: 0 }, withChange: { items: 2, dollarsCents: 65_000 } },
    ]);
    // Who works it changes, not where it is.
    expect(body.movements).toEqual([]);
  });

  it('previews no movement at all for the settings as they are', async () => {
    const admin = await token('pv-admin', ['admin'], [filing, assigning]);
    for (const tenant of [filing, assigning]) {
      const current = (await call('GET', `/config/settings?tenant=${tenant}`, admin)).body;
      const { status, body } = await call('POST', `/config/settings/preview?tenant=${tenant}`, admin, current);
      expect(status).toBe(200);
      expect(body.movements).toEqual([]);
      expect(body.assignees).toMatchObject({ changed: 0, changes: [] });
      expect(body.deadlines).toEqual({ earlier: 0, later: 0, becomePastDue: 0, reopen: 0, byKind: [] });
      for (const q of body.queues) expect(q.withChange, q.queue).toEqual(q.now);
      expect(body.figures.withChange).toEqual(body.figures.now);
      expect(body.alerts.map((a: { change: string }) => a.change)).toEqual(['none', 'none']);
    }
  });

  // Waiting for the night's emails to settle (two snapshots that agree) can take minutes on a loaded machine.
  it('writes nothing but one audit entry', async () => {
    const admin = await token('pv-admin', ['admin'], [filing]);
    const current = (await call('GET', `/config/settings?tenant=${filing}`, admin)).body;
    const before = await settled();
    const { status } = await call('POST', `/config/settings/preview?tenant=${filing}`, admin, { ...current, payerRules: [stricterFiling], assignmentRules: [{ assignee: 'team:all' }] });
    expect(status).toBe(200);
    const after = await snapshot();
    const added = [...after.keys()].filter((key) => !before.has(key));
    const changed = [...before.keys()].filter((key) => after.has(key) && after.get(key) !== before.get(key));
    const removed = [...before.keys()].filter((key) => !after.has(key));
    expect({ changed, removed }).toEqual({ changed: [], removed: [] });
    expect(added).toHaveLength(1);
    expect(added[0]!.startsWith(`T#${filing}#AUDIT#`)).toBe(true);
    expect(JSON.parse(after.get(added[0]!)!)).toMatchObject({ kind: 'audit', tenantId: filing, userId: 'pv-admin', action: 'preview-settings' });
  }, 300_000);

  it('refuses an invalid proposal naming the field, exactly as PUT does, and a date before today', async () => {
    const admin = await token('pv-admin', ['admin'], [filing]);
    const invalid = { payerRules: [{ ...stricterFiling, limits: { timelyFiling: { amount: 0, unit: 'days' } } }] };
    const preview = await call('POST', `/config/settings/preview?tenant=${filing}`, admin, invalid);
    expect(preview.status).toBe(400);
    expect(preview.type).toBe('application/problem+json');
    expect(preview.body.errors).toEqual([expect.objectContaining({ field: 'payerRules.0.limits.timelyFiling.amount' })]);
    const put = await call('PUT', `/config/settings?tenant=${filing}`, admin, invalid);
    expect(put.status).toBe(400);
    expect(preview.body.errors).toEqual(put.body.errors);
    const past = await call('POST', `/config/settings/preview?tenant=${filing}&asOf=${T(-1)}`, admin, {});
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
  });

  it('is for admins only: 403 for a biller or a manager', async () => {
    for (const role of ['biller', 'manager'] as const) {
      const response = await call('POST', `/config/settings/preview?tenant=${filing}`, await token(`pv-${role}`, [role], [filing]), {});
      expect(response.status, role).toBe(403);
      expect(response.type).toBe('application/problem+json');
    }
  });

  it('plans on a later asOf: a rule effective next month moves nothing today and the claims then', async () => {
    const admin = await token('pv-admin', ['admin'], [filing]);
    const current = (await call('GET', `/config/settings?tenant=${filing}`, admin)).body;
    const later = { ...stricterFiling, effectiveFrom: T(30) };
    const todayPreview = await call('POST', `/config/settings/preview?tenant=${filing}`, admin, { ...current, payerRules: [later] });
    expect(todayPreview.body.movements).toEqual([]);
    // On T+30, under the 90-day rule every commercial participating filing deadline is still open (the soonest, LATE
    // and WO, on T+40); under the new one (service + 30: T−20 … T+20) all six have passed.
    const then = await call('POST', `/config/settings/preview?tenant=${filing}&asOf=${T(30)}`, admin, { ...current, payerRules: [later] });
    expect(then.status).toBe(200);
    expect(then.body.asOf).toBe(T(30));
    expect(then.body.deadlines).toMatchObject({ earlier: 6, later: 0, becomePastDue: 6, reopen: 0 });
  });
});
