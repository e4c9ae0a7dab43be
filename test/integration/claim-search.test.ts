// GET /claims?q= as a biller on the phone uses it, through the local API: by claim id, payer claim number, account
// number, or last name + date of birth; only the tenant's own claims; a changed payer claim number found at once;
// audited without the search text; 30 searches a minute per user and tenant; and unknown query parameters refused
// on every route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { HistoryStore } from '../../functions/store/history-store.js';
import type { DevAuth } from '../../local/dev-auth.js';
import { directIngest, documentClient, localStack, readUtcDaysSince, sendTo, startTestApi, submittedEvent, testConfig, uniqueTenant, waitFor } from './harness.js';

// Before the handlers load: their logger keeps the level it finds then. DEBUG logs the most there is to scan.
process.env.LOG_LEVEL = 'DEBUG';
const tenantA = uniqueTenant('search-a');
const tenantB = uniqueTenant('search-b');
const config = testConfig([tenantA, tenantB]);
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
const since = new Date().toISOString();
const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);

const lines: string[] = [];
const streams = [process.stdout, process.stderr] as const;
const writes = streams.map((stream) => stream.write.bind(stream));
/** Every search text sent in this file, for the log scan. */
const searched = new Set<string>();

interface SearchRow {
  claimId: string;
  payerName: string;
  serviceFrom: string;
  serviceThrough: string;
  status: string;
  open: boolean;
  payerBalanceCents: number;
  matchedBy: string;
}

const patient = (accountNumber: string, lastName: string, dateOfBirth: string) => ({ accountNumber, memberId: 'MBR-SEARCH-1', lastName, firstName: 'Ima', dateOfBirth });
const submitted = (tenantId: string, claimId: string, p: ReturnType<typeof patient>, serviceOn: string) => {
  const event = submittedEvent(tenantId, claimId);
  return { ...event, payload: { ...event.payload, patient: p, serviceDate: { from: serviceOn, through: serviceOn } } };
};
const acknowledged = (tenantId: string, claimId: string, payerClaimNumber: string, at: string) => ({
  ...submittedEvent(tenantId, claimId),
  type: 'claim.acknowledged',
  occurredAt: `${at}T12:00:00Z`,
  payload: { claimId, categoryCode: 'A2', statusCode: '20', payerClaimNumber, acknowledgedOn: at },
});
const status = (tenantId: string, claimId: string, payerClaimNumber: string, at: string) => ({
  ...submittedEvent(tenantId, claimId),
  type: 'claim.status',
  occurredAt: `${at}T12:00:00Z`,
  payload: { claimId, categoryCode: 'P1', statusCode: '21', payerClaimNumber, statusOn: at },
});

const smith = patient('ACC-7001', 'Smith', '1961-04-02');
const events = [
  submitted(tenantA, 'CLM-S1', smith, '2026-09-28'),
  acknowledged(tenantA, 'CLM-S1', 'PCN-1001', '2026-10-02'),
  submitted(tenantA, 'CLM-S2', smith, '2026-10-05'),
  acknowledged(tenantA, 'CLM-S2', 'PCN-OLD-2', '2026-10-08'),
  // Another Smith: same last name, another birth date and account.
  submitted(tenantA, 'CLM-S3', patient('ACC-7003', 'Smith', '1970-01-01'), '2026-10-01'),
  submitted(tenantA, 'CLM-S4', patient('ACC-7004', 'Muñoz de la Cruz', '1955-05-05'), '2026-10-03'),
  // Another tenant's claim with the very same patient and numbers: never found from tenant A.
  submitted(tenantB, 'CLM-SB1', smith, '2026-10-06'),
  acknowledged(tenantB, 'CLM-SB1', 'PCN-1001', '2026-10-09'),
];

const biller = (sub = 'search-biller', tenants = [tenantA]) => auth.sign({ sub, email: 'b@x.example', roles: ['biller'], tenants });
const manager = () => auth.sign({ sub: 'search-manager', email: 'm@x.example', roles: ['manager'], tenants: [tenantA, tenantB] });
const call = (path: string, token: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
const search = async (q: string, token: string, tenant = tenantA): Promise<{ status: number; rows: SearchRow[]; more?: boolean }> => {
  searched.add(q);
  const response = await call(`/claims?tenant=${tenant}&q=${encodeURIComponent(q)}`, token);
  const body = (await response.json()) as { claims?: SearchRow[]; more?: boolean };
  return { status: response.status, rows: body.claims ?? [], more: body.more };
};
const ids = (rows: SearchRow[]) => rows.map((r) => r.claimId);

beforeAll(async () => {
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (writes[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
  ({ auth, base, stop: stopApi } = await startTestApi(config));
});
afterAll(async () => {
  streams.forEach((stream, i) => (stream.write = writes[i]!));
  await stopApi();
});

describe('GET /claims?q=', () => {
  it('finds a claim by its id (in either case), with payer, service dates, status and balance', async () => {
    const token = await biller();
    for (const q of ['CLM-S1', 'clm-s1']) {
      const { status, rows } = await search(q, token);
      expect(status, q).toBe(200);
      expect(rows, q).toEqual([{ claimId: 'CLM-S1', payerName: 'Aetna', serviceFrom: '2026-09-28', serviceThrough: '2026-09-28', status: 'acknowledged', open: true, payerBalanceCents: 25_000, matchedBy: 'claim-id' }]);
    }
  });

  it('finds by payer claim number, by account number and by last name + date of birth, newest service first', async () => {
    const token = await biller();
    const byPayerNumber = await search('pcn-1001', token);
    expect(byPayerNumber.rows.map((r) => [r.claimId, r.matchedBy])).toEqual([['CLM-S1', 'payer-claim-number']]);
    const byAccount = await search(' ACC-7001 ', token);
    expect(byAccount.rows.map((r) => [r.claimId, r.matchedBy])).toEqual([['CLM-S2', 'account-number'], ['CLM-S1', 'account-number']]);
    for (const q of ['smith 1961-04-02', 'SMITH, 1961-04-02', '1961-04-02 Smith']) {
      const { rows } = await search(q, token);
      expect(rows.map((r) => [r.claimId, r.matchedBy]), q).toEqual([['CLM-S2', 'patient'], ['CLM-S1', 'patient']]);
    }
    expect(ids((await search('smith 1970-01-01', token)).rows)).toEqual(['CLM-S3']);
    expect(ids((await search('munoz de la cruz 1955-05-05', token)).rows)).toEqual(['CLM-S4']);
    // A near miss finds nothing: another birth date, a partial number.
    expect((await search('smith 1961-04-03', token)).rows).toEqual([]);
    expect((await search('PCN-100', token)).rows).toEqual([]);
  });

  it('never finds another tenant’s claim, whatever the caller may see elsewhere', async () => {
    for (const token of [await biller(), await manager()]) {
      for (const q of ['CLM-SB1', 'PCN-1001', 'ACC-7001', 'smith 1961-04-02']) {
        const { status, rows } = await search(q, token);
        expect(status, q).toBe(200);
        expect(ids(rows), q).not.toContain('CLM-SB1');
        expect(rows.every((r) => r.claimId.startsWith('CLM-S') && r.claimId !== 'CLM-SB1'), q).toBe(true);
      }
    }
    // The manager of both finds it in its own tenant; a biller of tenant A cannot even name tenant B.
    expect(ids((await search('PCN-1001', await manager(), tenantB)).rows)).toEqual(['CLM-SB1']);
    expect((await search('PCN-1001', await biller(), tenantB)).status).toBe(404);
  });

  it('finds a claim by the payer claim number an event changed it to (through the ingest queue), and no longer by the old one', async () => {
    const token = await biller();
    expect(ids((await search('PCN-OLD-2', token)).rows)).toEqual(['CLM-S2']);
    await sendTo('ingest', status(tenantA, 'CLM-S2', 'PCN-2002', '2026-10-20'));
    await waitFor(async () => ((await claims.get(tenantA, 'CLM-S2'))?.claim.payerClaimNumber === 'PCN-2002' ? true : undefined), 30_000, 'the status event');
    expect((await search('PCN-2002', token)).rows.map((r) => [r.claimId, r.matchedBy, r.status])).toEqual([['CLM-S2', 'payer-claim-number', 'pending']]);
    expect((await search('PCN-OLD-2', token)).rows).toEqual([]);
  });

  it('refuses a text it cannot read, naming q and not echoing it', async () => {
    const token = await biller();
    for (const q of ['smith 1961-02-30', '   ']) {
      searched.add(q);
      const response = await call(`/claims?tenant=${tenantA}&q=${encodeURIComponent(q)}`, token);
      expect(response.status, q).toBe(400);
      const body = (await response.json()) as { errors: Array<{ field: string }>; detail: string };
      expect(body.errors[0]!.field).toBe('q');
      if (q.trim()) expect(JSON.stringify(body)).not.toContain('smith');
    }
    const missing = await call(`/claims?tenant=${tenantA}`, token);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ errors: [{ field: 'q' }] });
  });

  it('audits each search as a search, with the user and tenant but not the text or the claims', async () => {
    const token = await biller('search-audited');
    await search('smith 1961-04-02', token);
    await search('ACC-7001', token);
    const entries = (await readUtcDaysSince(since, (day) => new HistoryStore(documentClient(), localStack().tableName).auditEntries(tenantA, day))).filter((e) => e.userId === 'search-audited');
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({ tenantId: tenantA, userId: 'search-audited', action: 'search-claims' });
      expect(entry.claimId).toBeUndefined();
      for (const text of ['smith', 'Smith', '1961-04-02', 'ACC-7001', 'CLM-S']) expect(JSON.stringify(entry), text).not.toContain(text);
    }
  });

  it('answers the 31st search of a minute by one user in one tenant with 429 and Retry-After; others go on', async () => {
    const token = await biller('search-busy', [tenantA, tenantB]);
    for (let i = 1; i <= 30; i++) expect((await search('ACC-7003', token)).status, `search ${i}`).toBe(200);
    const response = await call(`/claims?tenant=${tenantA}&q=ACC-7003`, token);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await response.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    // Per user and per tenant: another biller, and the same one in the other tenant, still search.
    expect((await search('ACC-7003', await biller('search-calm'))).status).toBe(200);
    expect((await search('ACC-7001', token, tenantB)).status).toBe(200);
    // A limited search is not audited as a search made.
    const entries = (await readUtcDaysSince(since, (day) => new HistoryStore(documentClient(), localStack().tableName).auditEntries(tenantA, day))).filter((e) => e.userId === 'search-busy');
    expect(entries).toHaveLength(30);
  });

  it('counts searches sent at once exactly: of 40, 30 answer and 10 are refused', async () => {
    const token = await biller('search-burst');
    const statuses = await Promise.all(Array.from({ length: 40 }, () => search('ACC-7004', token).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });
});

describe('unknown query parameters', () => {
  it('are refused with 400 naming each, on every kind of route', async () => {
    const token = await manager();
    const cases: Array<[string, string, string[], RequestInit?]> = [
      ['search', `/claims?tenant=${tenantA}&q=CLM-S1&foo=1`, ['foo']],
      ['claim', `/claims/CLM-S1?tenant=${tenantA}&historylimit=5`, ['historylimit']],
      ['work items', `/work-items?tenant=${tenantA}&queue=denials&foo=1&bar=2`, ['foo', 'bar']],
      ['queues', `/queues?tenant=${tenantA}&verbose=true`, ['verbose']],
      ['aging report', `/reports/aging?tenant=${tenantA}&groupby=payer`, ['groupby']],
      // Routes without a query schema take none, not even a tenant.
      ['me', `/me?tenant=${tenantA}`, ['tenant']],
      ['next work item', `/work-items/next?queue=denials`, ['queue'], { method: 'POST', body: '{}' }],
    ];
    for (const [name, path, unknown, init] of cases) {
      const response = await call(path, token, init);
      expect(response.status, name).toBe(400);
      expect(response.headers.get('content-type'), name).toBe('application/problem+json');
      const body = (await response.json()) as { errors: Array<{ field: string; message: string }> };
      expect(body.errors, name).toEqual(unknown.map((field) => ({ field, message: 'unknown query parameter' })));
    }
    // The declared ones still pass.
    expect((await call(`/claims/CLM-S1?tenant=${tenantA}&historyLimit=5&asOf=2026-11-01`, token)).status).toBe(200);
    expect((await call(`/reports/aging?tenant=${tenantA}&groupBy=payer&basis=service`, token)).status).toBe(200);
  });
});

describe('logs', () => {
  it('carry no search text', () => {
    const logs = lines.join('');
    // The scan reads what the handlers wrote: the ingest consumer logged the status event.
    expect(logs).toContain('"outcome":"applied"');
    expect(searched.size).toBeGreaterThan(5);
    for (const text of [...searched].map((q) => q.trim()).filter(Boolean)) {
      expect(logs, text).not.toContain(text);
      expect(logs, text).not.toContain(encodeURIComponent(text));
    }
    for (const identifier of ['Smith', 'smith', '1961-04-02', 'ACC-7001', 'PCN-1001', 'PCN-2002', 'Muñoz']) expect(logs, identifier).not.toContain(identifier);
  });
});
