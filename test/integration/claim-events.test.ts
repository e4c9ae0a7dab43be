// Claim events through the real queue and consumer: any arrival order gives the same claim; version races and
// transient failures are retried; unknown tenants are refused for good.
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFromEvents } from '../../functions/domain/claim.js';
import { kpiContributions, kpiFields } from '../../functions/domain/kpis.js';
import { KpiStore } from '../../functions/store/kpi-store.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { claimKey } from '../../functions/store/keys.js';
import { RejectedEventStore } from '../../functions/store/rejected-event-store.js';
import { demoClaimEvents, seededRandom } from '../../local/demo-data.js';
import type { Runtime } from '../../local/runtime.js';
import { documentClient, localStack, peekQueue, sqsClient, readUtcDaysSince, sendTo, startTestRuntime, submittedEvent, testConfig, uniqueTenant, waitFor, type DeliveryLog } from './harness.js';

const tenant = uniqueTenant('events');
const kpiTenant = uniqueTenant('kpis');
const config = testConfig([tenant, kpiTenant]);
const client = documentClient();
const { tableName, deadLetterUrls } = localStack();
const claims = new ClaimStore(client, tableName, config.shardCount);
let runtime: Runtime;
let deliveries: DeliveryLog;

beforeAll(async () => {
  ({ runtime, deliveries } = await startTestRuntime(config));
});
afterAll(async () => {
  await runtime.stop();
});

const withClaimId = (events: ClaimEvent[], claimId: string): ClaimEvent[] =>
  events.map((e) => ({ ...e, eventId: `${e.eventId}:${claimId}`, payload: { ...e.payload, claimId } }) as ClaimEvent);

const shuffle = <T>(items: T[], seed: number): T[] => {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
};

describe('claim events through the ingest queue', () => {
  it('gives the same claim for every arrival order, equal to the pure derivation', async () => {
    const scenarios = [...demoClaimEvents({ tenantId: tenant, claims: 400, today: '2026-11-20', seed: 5 })]
      .filter((events) => events.length >= 3)
      .slice(0, 6);
    expect(scenarios.length).toBe(6);
    const expected = new Map<string, unknown>();
    let sent = 0;
    for (const [s, events] of scenarios.entries()) {
      for (let permutation = 0; permutation < 4; permutation++) {
        const claimId = `PERM-${s}-${permutation}`;
        const renamed = withClaimId(events, claimId);
        expected.set(claimId, claimFromEvents(tenant, claimId, renamed));
        // Reversed order first: the submission arrives last.
        const order = permutation === 0 ? [...renamed].reverse() : shuffle(renamed, s * 10 + permutation);
        for (const event of order) await sendTo('ingest', event);
        sent += renamed.length;
      }
    }
    for (const [claimId, claim] of expected) {
      const want = (claim as { eventCount: number }).eventCount;
      const stored = await waitFor(async () => {
        const found = await claims.get(tenant, claimId);
        return found && found.claim.eventCount === want ? found : undefined;
      }, 60_000, `claim ${claimId} to have its ${want} events`).catch(async (error: Error) => {
        const [events, record] = await Promise.all([claims.events(tenant, claimId), claims.current(tenant, claimId)]);
        const dead = await peekQueue(deadLetterUrls.ingest);
        throw new Error(`${error.message}: has ${events.length} (${record.state?.status}); dead letters: ${dead.length}; failures: ${JSON.stringify([...deliveries.failures])}`);
      });
      expect(stored.claim).toEqual(claim);
    }
    // Same claims across permutations of one scenario, once the id is set aside.
    for (let s = 0; s < scenarios.length; s++) {
      const [first, ...others] = [0, 1, 2, 3].map((p) => JSON.stringify(expected.get(`PERM-${s}-${p}`)).replaceAll(`PERM-${s}-${p}`, 'X'));
      for (const other of others) expect(other).toBe(first);
    }
    expect(sent).toBeGreaterThan(60);
  });

  it('keeps the KPI day tallies equal to what the claims contribute, whatever the arrival order, with every event sent twice', async () => {
    const scenarios = [...demoClaimEvents({ tenantId: kpiTenant, claims: 200, today: '2026-11-20', seed: 21 })].filter((events) => events.some((e) => e.type === 'claim.adjudicated')).slice(0, 8);
    expect(scenarios.length).toBe(8);
    // Reversed order (the submission last: every claim is folded again when it comes), each event twice.
    const sent = scenarios.flatMap((events) => [...events].reverse().flatMap((e) => [e, e]));
    for (let i = 0; i < sent.length; i += 10) await Promise.all(sent.slice(i, i + 10).map((e) => sendTo('ingest', e)));
    const expected = new Map<string, Record<string, number>>();
    for (const events of scenarios) {
      const state = claimFromEvents(kpiTenant, events[0]!.payload.claimId, events);
      for (const [date, day] of kpiContributions(state)) {
        const sum = expected.get(date) ?? Object.fromEntries(kpiFields.map((f) => [f, 0]));
        for (const field of kpiFields) sum[field]! += day[field];
        expected.set(date, sum);
      }
    }
    const kpis = new KpiStore(client, tableName);
    const dates = [...expected.keys()].sort();
    const tallies = await waitFor(async () => {
      const found = await kpis.days(kpiTenant, dates[0]!, dates.at(-1)!);
      const same = dates.every((d) => kpiFields.every((f) => (found.get(d)?.[f] ?? 0) === expected.get(d)![f]));
      return same ? found : undefined;
    }, 60_000, 'the KPI tallies to match the claims').catch(async (error: Error) => {
      const found = await kpis.days(kpiTenant, dates[0]!, dates.at(-1)!);
      throw new Error(`${error.message}: expected ${JSON.stringify([...expected])}, found ${JSON.stringify([...found])}`);
    });
    // Nothing on other days: every tally is one a claim explains.
    expect([...tallies.keys()].filter((d) => !expected.has(d) && kpiFields.some((f) => tallies.get(d)![f] !== 0))).toEqual([]);
  });

  it('applies every event when many arrive for one claim at once (version races are retried)', async () => {
    const base = submittedEvent(tenant, 'RACE-1');
    await sendTo('ingest', base);
    await waitFor(() => claims.get(tenant, 'RACE-1'), 20_000, 'the claim');
    const notes = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      eventId: `race-note-${String(i).padStart(3, '0')}`,
      type: 'note.added',
      occurredAt: `2026-10-0${1 + (i % 9)}T10:00:00Z`,
      payload: { claimId: 'RACE-1', text: `note ${i}` },
    }));
    await Promise.all(notes.map((note) => sendTo('ingest', note)));
    const stored = await waitFor(async () => {
      const found = await claims.get(tenant, 'RACE-1');
      return found?.claim.notes === 30 ? found : undefined;
    }, 60_000, 'all notes');
    expect(stored.claim.eventCount).toBe(31);
    expect(stored.version).toBe(31);
  });

  it('retries a transient failure through the queue, then applies the event once', async () => {
    await sendTo('ingest', submittedEvent(tenant, 'FLAKY-1'));
    const original = await waitFor(() => claims.get(tenant, 'FLAKY-1'), 20_000, 'the claim');
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: claimKey(tenant, 'FLAKY-1') }));
    // Damage the stored claim so the next event fails, then repair it after the first failed delivery.
    await client.send(new PutCommand({ TableName: tableName, Item: { ...Item, version: 'damaged' } }));
    const note = { ...submittedEvent(tenant, 'FLAKY-1'), eventId: 'flaky-note-0001', type: 'note.added', payload: { claimId: 'FLAKY-1', text: 'retry me' } };
    await sendTo('ingest', note);
    await waitFor(async () => ((deliveries.failures.get('flaky-note-0001') ?? 0) >= 1 ? true : undefined), 20_000, 'a failed delivery');
    await client.send(new PutCommand({ TableName: tableName, Item }));
    const stored = await waitFor(async () => {
      const found = await claims.get(tenant, 'FLAKY-1');
      return found?.claim.notes === 1 ? found : undefined;
    }, 20_000, 'the retried note');
    expect(stored.version).toBe(original.version + 1);
    expect(deliveries.attempts.get('flaky-note-0001')).toBeGreaterThanOrEqual(2);
    expect((await peekQueue(deadLetterUrls.ingest)).map((m) => JSON.parse(m.body).eventId)).not.toContain('flaky-note-0001');
  });

  it('applies the other events of a batch when one claim item is unreadable: only that claim\'s event is retried', async () => {
    await Promise.all(['DAMAGED-1', 'HEALTHY-1'].map((id) => sendTo('ingest', submittedEvent(tenant, id))));
    await waitFor(async () => ((await claims.get(tenant, 'DAMAGED-1')) && (await claims.get(tenant, 'HEALTHY-1')) ? true : undefined), 20_000, 'both claims');
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: claimKey(tenant, 'DAMAGED-1') }));
    await client.send(new PutCommand({ TableName: tableName, Item: { ...Item, fold: '{not json' } }));
    // Sent together, so that the consumer gets them in one batch (the batch reads both claim items at once).
    const notes = ['DAMAGED-1', 'HEALTHY-1'].map((id) => ({ ...submittedEvent(tenant, id), eventId: `batch-note-${id}`, type: 'note.added', payload: { claimId: id, text: 'same batch' } }));
    const sqs = sqsClient();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: localStack().queueUrls.ingest, Entries: notes.map((n, i) => ({ Id: String(i), MessageBody: JSON.stringify(n) })) }));
    sqs.destroy();
    const healthy = await waitFor(async () => {
      const found = await claims.get(tenant, 'HEALTHY-1');
      return found?.claim.notes === 1 ? found : undefined;
    }, 20_000, 'the healthy claim\'s note');
    expect(healthy.claim.notes).toBe(1);
    // The healthy event went through on its first delivery; the damaged claim's event failed on its own.
    expect(deliveries.failures.get('batch-note-HEALTHY-1') ?? 0).toBe(0);
    await waitFor(async () => ((deliveries.failures.get('batch-note-DAMAGED-1') ?? 0) >= 1 ? true : undefined), 20_000, 'the damaged claim\'s event to fail');
    // Repair it: the retried event then applies.
    await client.send(new PutCommand({ TableName: tableName, Item }));
    await waitFor(async () => ((await claims.get(tenant, 'DAMAGED-1'))?.claim.notes === 1 ? true : undefined), 30_000, 'the retried note');
  });

  it('refuses, for good, an event for a tenant this deployment does not serve', async () => {
    const stranger = 'it-not-served-tenant';
    const since = new Date().toISOString();
    await sendTo('ingest', submittedEvent(stranger, 'ALIEN-1'));
    const records = await waitFor(async () => {
      const rejected = new RejectedEventStore(client, tableName);
      const found = await readUtcDaysSince(since, (day) => rejected.list(stranger, day));
      return found.length ? found : undefined;
    }, 20_000, 'the rejected event');
    expect(records[0]).toMatchObject({ reason: 'unknown-tenant' });
    expect(await claims.get(stranger, 'ALIEN-1')).toBeUndefined();
  });
});
