// A claim's history through the real queue and consumer: hundreds of events for one claim at once are each
// accounted for, a long history keeps the claim item small, and an event id reused with other content is refused.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { claimKey } from '../../functions/store/keys.js';
import { RejectedEventStore } from '../../functions/store/rejected-event-store.js';
import type { DevAuth } from '../../local/dev-auth.js';
import { directIngest, documentClient, localStack, peekQueue, readUtcDaysSince, sendTo, startTestApi, submittedEvent, testConfig, uniqueTenant, waitFor } from './harness.js';

const tenant = uniqueTenant('history');
const config = testConfig([tenant]);
const client = documentClient();
const { tableName, deadLetterUrls } = localStack();
const claims = new ClaimStore(client, tableName, config.shardCount);
const rejectedStore = new RejectedEventStore(client, tableName);
let api: { auth: DevAuth; base: string; stop: () => Promise<void> };

beforeAll(async () => {
  api = await startTestApi(config);
});
afterAll(async () => {
  await api.stop();
});

/** GET as a biller of the test tenant, through the local API Gateway stand-in. */
const getAsBiller = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const token = await api.auth.sign({ sub: 'biller-h', email: 'h@x.example', roles: ['biller'], tenants: [tenant] });
  const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const longText = (i: number): string => `call ${i}: `.padEnd(4000, 'spoke with the payer representative; ');

const note = (base: ReturnType<typeof submittedEvent>, claimId: string, i: number, occurredAt: string) => ({
  ...base,
  eventId: `${claimId}-note-${String(i).padStart(4, '0')}`,
  type: 'note.added',
  occurredAt,
  payload: { claimId, text: longText(i) },
});

const status = (base: ReturnType<typeof submittedEvent>, claimId: string, i: number, day: number) => ({
  ...base,
  eventId: `${claimId}-status-${String(i).padStart(4, '0')}`,
  type: 'claim.status',
  occurredAt: `2026-10-${String(day).padStart(2, '0')}T09:00:00Z`,
  payload: { claimId, categoryCode: 'A2', statusCode: '20', statusOn: `2026-10-${String(day).padStart(2, '0')}` },
});

/** Sends many messages at once, ten sends in flight. */
const sendAll = async (bodies: unknown[]): Promise<void> => {
  for (let i = 0; i < bodies.length; i += 10) await Promise.all(bodies.slice(i, i + 10).map((body) => sendTo('ingest', body)));
};

const claimItemBytes = async (claimId: string): Promise<number> => {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: claimKey(tenant, claimId) }));
  return JSON.stringify(Item).length;
};

describe('a claim with a long history', () => {
  it('accounts for every one of hundreds of events sent at once for one claim (applied, refused with a reason, or dead-lettered)', async () => {
    const claimId = 'MANY-1';
    const since = new Date().toISOString();
    const base = submittedEvent(tenant, claimId);
    await sendTo('ingest', base);
    await waitFor(() => claims.get(tenant, claimId), 20_000, 'the claim');
    // 300 notes of 4,000 characters (1.2 MB of history) and 20 status checks, in no particular order, all at once.
    const notes = Array.from({ length: 300 }, (_, i) => note(base, claimId, i, `2026-10-${String(2 + (i % 27)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z`));
    const statuses = Array.from({ length: 20 }, (_, i) => status(base, claimId, i, 2 + ((i * 7) % 27)));
    const sent = [...notes, ...statuses].sort((a, b) => (a.eventId.slice(-2) < b.eventId.slice(-2) ? -1 : 1));
    await sendAll(sent);

    const accounted = await waitFor(async () => {
      const applied = new Set((await claims.events(tenant, claimId)).map((e) => e.eventId));
      const refused = new Set(
        (await readUtcDaysSince(since, (day) => rejectedStore.list(tenant, day))).flatMap((r) => {
          try {
            return [(JSON.parse(r.body) as { eventId: string }).eventId];
          } catch {
            return [];
          }
        }),
      );
      const dead = new Set((await peekQueue(deadLetterUrls.ingest)).map((m) => (JSON.parse(m.body) as { eventId?: string }).eventId));
      const missing = sent.filter((e) => !applied.has(e.eventId) && !refused.has(e.eventId) && !dead.has(e.eventId));
      return missing.length === 0 ? { applied, refused, dead } : undefined;
    }, 90_000, 'every event applied, refused or dead-lettered');

    // None of them is bad, so every one is applied: nothing refused, nothing dead-lettered.
    for (const e of sent) expect(accounted.applied.has(e.eventId), e.eventId).toBe(true);
    const stored = await claims.get(tenant, claimId);
    // 1 submission + 300 notes + 20 status checks = 321 events; the latest status (Oct 28: day 2 + (i*7 % 27) = 28
    // for i = 15... checked below by date only) leaves the claim pending at the payer.
    expect(stored?.claim).toMatchObject({ notes: 300, eventCount: 321, status: 'pending' });
    expect(stored?.claim.lastStatus?.on).toBe(statuses.map((s) => s.payload.statusOn).sort().at(-1));
    // The claim item holds the derived claim, not 1.2 MB of notes.
    expect(await claimItemBytes(claimId)).toBeLessThan(10_000);
  });

  it('ingests a claim with 2,000 events (long notes among them), a late one too, and keeps its item the size of a claim', async () => {
    const claimId = 'LONG-1';
    const base = submittedEvent(tenant, claimId);
    await ingestClaimEvent(claims, claimEvent.parse(base), directIngest);
    const sizeWithOneEvent = await claimItemBytes(claimId);
    // In the order they happened, as a clearinghouse sends them: 1,600 long notes and 399 status checks, a minute apart.
    const events = Array.from({ length: 1999 }, (_, i) => {
      const at = new Date(Date.parse('2026-10-01T16:00:00Z') + i * 60_000).toISOString();
      return i % 5 === 4
        ? { ...status(base, claimId, i, 2), occurredAt: at, payload: { claimId, categoryCode: 'A2', statusCode: '20', statusOn: at.slice(0, 10) } }
        : note(base, claimId, i, at);
    });
    // One after another, each starting from the claim item the previous one wrote (as the consumer does in a batch).
    let after = (await ingestClaimEvent(claims, claimEvent.parse(events[0]), directIngest)).after;
    for (const event of events.slice(1)) ({ after } = await ingestClaimEvent(claims, claimEvent.parse(event), directIngest, after));
    // 1,999 more events, of which 1,600 notes of 4,000 characters (6.4 MB): the claim item grows by a few bytes
    // (counts, dates), not by its history.
    expect(await claimItemBytes(claimId)).toBeLessThan(sizeWithOneEvent + 500);
    // Then through the queue: a status check dated before the latest one (it arrived late: the claim is folded again
    // from all 2,000 events) and a note. The latest check is event i = 1994 (the last i with i % 5 = 4), at
    // 16:00 + 1,994 min = 16:00 + 33 h 14 min on Oct 1 = Oct 3, 01:14Z. The late check (Oct 1, 17:30) takes effect
    // before it, so the claim's last status stays the Oct 3 one, category A2, not the late R4.
    const late = { ...status(base, claimId, 9999, 1), occurredAt: '2026-10-01T17:30:30Z', payload: { claimId, categoryCode: 'R4', statusCode: '21', statusOn: '2026-10-01' } };
    await sendAll([late, note(base, claimId, 9998, '2026-10-03T10:00:00Z')]);
    const stored = await waitFor(async () => {
      const found = await claims.get(tenant, claimId);
      return found?.claim.eventCount === 2002 ? found : undefined;
    }, 60_000, 'all 2,002 events');
    expect(stored.claim).toMatchObject({ notes: 1601, status: 'pending', lastStatus: { categoryCode: 'A2', on: '2026-10-03' } });
    // GET /claims/{id} answers with the latest 100 entries (oldest first) and a cursor to the ones before them.
    type Detail = { history: Array<{ at: string; kind: string; type: string }>; historyCursor?: string; eventCount: number };
    const first = (await getAsBiller(`/claims/${claimId}?tenant=${tenant}`)) as { status: number; body: Detail };
    expect(first.status).toBe(200);
    expect(first.body.eventCount).toBe(2002);
    expect(first.body.history).toHaveLength(100);
    // The latest entry is the Oct 3 10:00 note sent through the queue; the page is in time order.
    expect(first.body.history.at(-1)).toMatchObject({ kind: 'event', type: 'note.added', at: '2026-10-03T10:00:00Z' });
    const times = first.body.history.map((h) => Date.parse(h.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Walk back through every page: 2,002 events in all, each once.
    let seen = first.body.history.length;
    let cursor = first.body.historyCursor;
    let oldest = times[0]!;
    while (cursor) {
      const page = (await getAsBiller(`/claims/${claimId}?tenant=${tenant}&historyLimit=500&historyBefore=${cursor}`)) as { status: number; body: Detail };
      expect(page.status).toBe(200);
      expect(Date.parse(page.body.history.at(-1)!.at)).toBeLessThanOrEqual(oldest);
      oldest = Date.parse(page.body.history[0]!.at);
      seen += page.body.history.length;
      cursor = page.body.historyCursor;
    }
    expect(seen).toBe(2002);
    // A cursor this history did not give is refused, naming the parameter.
    const forged = await getAsBiller(`/claims/${claimId}?tenant=${tenant}&historyBefore=${Buffer.from(JSON.stringify({ event: 'WORK' })).toString('base64url')}`);
    expect(forged.status).toBe(400);
    expect(forged.body.detail).toBe('historyBefore: not a cursor of this history');
  }, 180_000);

  it('refuses an event id sent again with other content, naming the fields that differ (never their values)', async () => {
    const claimId = 'REUSE-1';
    const since = new Date().toISOString();
    const base = submittedEvent(tenant, claimId);
    await sendTo('ingest', base);
    await waitFor(() => claims.get(tenant, claimId), 20_000, 'the claim');
    const first = note(base, claimId, 1, '2026-10-05T10:00:00Z');
    await sendTo('ingest', first);
    await waitFor(async () => ((await claims.get(tenant, claimId))?.claim.notes === 1 ? true : undefined), 20_000, 'the note');
    // The same event again (a redelivery): a duplicate, not a refusal. Then the id reused for another note.
    await sendTo('ingest', first);
    const reused = { ...first, occurredAt: '2026-10-06T10:00:00Z', payload: { claimId, text: 'a different note' } };
    await sendTo('ingest', reused);
    const refusals = await waitFor(async () => {
      const found = (await readUtcDaysSince(since, (day) => rejectedStore.list(tenant, day))).filter((r) => r.reason === 'conflicting-duplicate');
      return found.length ? found : undefined;
    }, 20_000, 'the refusal');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.detail).toContain('occurredAt, payload.text differ');
    expect(refusals[0]!.detail).not.toContain('different note');
    expect(refusals[0]!.detail).not.toContain('2026-10-06');
    // The claim kept the first note only.
    const stored = await claims.get(tenant, claimId);
    expect(stored?.claim).toMatchObject({ notes: 1, eventCount: 2 });
    const history = await claims.events(tenant, claimId);
    expect(history.find((e) => e.eventId === first.eventId)).toMatchObject({ occurredAt: '2026-10-05T10:00:00Z' });
  });
});
