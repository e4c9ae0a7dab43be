// Issue 10, "nothing lost, nothing leaked", against the local API: Idempotency-Key replays pass every check a first
// request passes, the tenants claim has one format, cursors are bound to their listing, settings fit their item,
// dates stay in their window, and every error the local server gives itself is problem+json.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvent } from '../../functions/domain/claim-events.js';
import type { Role } from '../../functions/shared/auth.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { HistoryStore } from '../../functions/store/history-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import type { DevAuth } from '../../local/dev-auth.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { runNight } from '../../local/nightly-driver.js';
import type { Runtime } from '../../local/runtime.js';
import { directIngest, documentClient, localStack, readUtcDaysSince, startTestApi, testConfig, uniqueTenant } from './harness.js';

const tenantA = uniqueTenant('sec-a');
const tenantB = uniqueTenant('sec-b');
const config = testConfig([tenantA, tenantB]);
const since = new Date().toISOString();
let runtime: Runtime;
let stopApi: () => Promise<void>;
let auth: DevAuth;
let base: string;
let claimA: string;
let claimB: string;

const token = (tenants: readonly string[], roles: readonly Role[] = ['biller'], sub = 'sec-biller') => auth.sign({ sub, email: `${sub}@x.example`, roles, tenants });
const call = (method: string, path: string, bearer?: string, options: { body?: unknown; key?: string } = {}) =>
  fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
const history = () => new HistoryStore(documentClient(), localStack().tableName);
const auditOf = async (tenant: string) => readUtcDaysSince(since, (day) => history().auditEntries(tenant, day));

beforeAll(async () => {
  const claims = new ClaimStore(documentClient(), localStack().tableName, config.shardCount);
  for (const [i, tenantId] of [tenantA, tenantB].entries()) {
    for (const events of demoClaimEvents({ tenantId, claims: 50, today: '2026-11-20', seed: 70 + i })) {
      for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
    }
  }
  ({ runtime, auth, base, stop: stopApi } = await startTestApi(config));
  await runNight(runtime.startNightly, documentClient(), localStack().tableName, config.tenants, '2026-11-21', 90_000);
  const store = new WorkItemStore(documentClient(), localStack().tableName);
  claimA = (await store.listQueue(tenantA, 'denials'))[0]!.claimId;
  claimB = (await store.listQueue(tenantB, 'denials'))[0]!.claimId;
});
afterAll(async () => {
  await stopApi();
});

describe('an Idempotency-Key replay passes the same checks as a first request', () => {
  it('does not replay an action of a tenant the caller no longer works, and audits the replays it gives', async () => {
    const path = `/claims/${claimB}/actions?tenant=${tenantB}`;
    const first = await call('POST', path, await token([tenantA, tenantB]), { body: { type: 'note', outcome: 'left a voicemail' }, key: 'sec-key-tenant-0001' });
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const narrowed = await call('POST', path, await token([tenantA]), { body: { type: 'note', outcome: 'left a voicemail' }, key: 'sec-key-tenant-0001' });
    expect(narrowed.status).toBe(404);
    expect(narrowed.headers.get('idempotent-replayed')).toBeNull();
    expect(await narrowed.json()).toEqual(expect.not.objectContaining({ recorded: expect.anything(), workItem: expect.anything() }));
    const again = await call('POST', path, await token([tenantA, tenantB]), { body: { type: 'note', outcome: 'left a voicemail' }, key: 'sec-key-tenant-0001' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);
    const audit = (await auditOf(tenantB)).filter((e) => e.claimId === claimB && e.userId === 'sec-biller');
    expect(audit.map((e) => e.action).sort()).toEqual(['action:note', 'replay:action:note']);
  });

  it('scopes the key by the tenant of the request: reordering the tenants claim replays, it does not run twice', async () => {
    const before = (await history().actions(tenantA, claimA)).length;
    const path = `/claims/${claimA}/actions?tenant=${tenantA}`;
    const first = await call('POST', path, await token([tenantA, tenantB]), { body: { type: 'status-check', outcome: 'in process' }, key: 'sec-key-order-0001' });
    const second = await call('POST', path, await token([tenantB, tenantA]), { body: { type: 'status-check', outcome: 'in process' }, key: 'sec-key-order-0001' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await history().actions(tenantA, claimA)).length).toBe(before + 1);
  });

  it('checks the role on a replay', async () => {
    const path = `/work-items/${claimA}/assign?tenant=${tenantA}`;
    const first = await call('POST', path, await token([tenantA], ['manager'], 'sec-user-2'), { body: { assignee: 'pool' }, key: 'sec-key-role-0001' });
    expect(first.status).toBe(200);
    const demoted = await call('POST', path, await token([tenantA], ['biller'], 'sec-user-2'), { body: { assignee: 'pool' }, key: 'sec-key-role-0001' });
    expect(demoted.status).toBe(403);
  });

  it('does not replay a work item taken in a named tenant to a caller who lost that tenant', async () => {
    const first = await call('POST', '/work-items/next', await token([tenantA, tenantB], ['biller'], 'sec-taker-1'), { body: { tenant: tenantB }, key: 'sec-key-next-0001' });
    expect(first.status).toBe(200);
    expect(((await first.json()) as { tenantId: string }).tenantId).toBe(tenantB);
    const narrowed = await call('POST', '/work-items/next', await token([tenantA], ['biller'], 'sec-taker-1'), { body: { tenant: tenantB }, key: 'sec-key-next-0001' });
    expect(narrowed.status).toBe(404);
  });

  it('replays a work item taken over all tenants only while its tenant is still the caller\'s, audited as replay:take-work', async () => {
    const first = await call('POST', '/work-items/next', await token([tenantB], ['biller'], 'sec-taker-2'), { body: {}, key: 'sec-key-next-0002' });
    expect(first.status).toBe(200);
    const taken = (await first.json()) as { tenantId: string; claimId: string };
    expect(taken.tenantId).toBe(tenantB);
    const elsewhere = await call('POST', '/work-items/next', await token([tenantA], ['biller'], 'sec-taker-2'), { body: {}, key: 'sec-key-next-0002' });
    expect(elsewhere.status).toBe(404);
    const widened = await call('POST', '/work-items/next', await token([tenantA, tenantB], ['biller'], 'sec-taker-2'), { body: {}, key: 'sec-key-next-0002' });
    expect(widened.status).toBe(200);
    expect(widened.headers.get('idempotent-replayed')).toBe('true');
    expect(((await widened.json()) as { claimId: string }).claimId).toBe(taken.claimId);
    const audit = (await auditOf(tenantB)).filter((e) => e.userId === 'sec-taker-2');
    expect(audit.map((e) => [e.action, e.claimId]).sort()).toEqual([
      ['replay:take-work', taken.claimId],
      ['take-work', taken.claimId],
    ]);
  });
});

describe('the tenants claim', () => {
  it('refuses a caller whose tenants are separated by whitespace (it used to grant both)', async () => {
    const spaced = await token([`${tenantA} ${tenantB}`]);
    for (const path of ['/me', `/claims/${claimB}?tenant=${tenantB}`]) {
      const response = await call('GET', path, spaced);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(((await (await call('GET', '/me', await token([tenantA, tenantB]))).json()) as { tenants: string[] }).tenants).toEqual([tenantA, tenantB]);
  });
});

describe('work item cursors are bound to their tenant and listing', () => {
  const lister = () => token([tenantA, tenantB], ['manager'], 'sec-lister');
  const get = async (tenant: string, query: string) => call('GET', `/work-items?tenant=${tenant}&${query}`, await lister());
  const firstPage = async (query = 'queue=denials&limit=1') => (await (await get(tenantA, query)).json()) as { items: Array<{ claimId: string }>; cursor: string };
  const expectRefused = async (cases: ReadonlyArray<readonly [string, string, string]>) => {
    for (const [what, tenant, query] of cases) {
      const response = await get(tenant, query);
      expect(response.status, what).toBe(400);
      expect(response.headers.get('content-type'), what).toBe('application/problem+json');
      expect(await response.json(), what).toMatchObject({ detail: 'cursor: not a cursor of this listing', errors: [{ field: 'cursor' }] });
    }
  };

  it('pages on with its own cursor', async () => {
    const first = await firstPage();
    expect(first.cursor).toBeDefined();
    const second = await get(tenantA, `queue=denials&limit=1&cursor=${first.cursor}`);
    expect(second.status).toBe(200);
    expect(((await second.json()) as { items: Array<{ claimId: string }> }).items[0]!.claimId).not.toBe(first.items[0]!.claimId);
  });

  it('refuses a tampered cursor, another tenant\'s and another listing\'s with 400 naming cursor (they were 500s)', async () => {
    const { cursor } = await firstPage();
    await expectRefused([
      ['null', tenantA, 'queue=denials&cursor=bnVsbA'],
      ['a number', tenantA, 'queue=denials&cursor=MQ'],
      ['an empty object', tenantA, 'queue=denials&cursor=e30'],
      ['not base64url', tenantA, 'queue=denials&cursor=%2F%2F%2F'],
      ['another tenant\'s cursor', tenantB, `queue=denials&cursor=${cursor}`],
      ['a cursor of another queue', tenantA, `queue=no-response&cursor=${cursor}`],
      ['a queue cursor on an assignee listing', tenantA, `assignee=pool&cursor=${cursor}`],
    ]);
  });

  it('refuses a forged cursor whose key points elsewhere or carries more than the index key', async () => {
    const { cursor } = await firstPage();
    const envelope = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { key: Record<string, string> };
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const foreignKey = Object.fromEntries(Object.entries(envelope.key).map(([k, v]) => [k, v.replace(tenantA, tenantB)]));
    const cases: Array<readonly [string, string, string]> = [
      ['a key in another tenant\'s partition', tenantA, `queue=denials&cursor=${forged({ ...envelope, key: foreignKey })}`],
      ['an extra attribute in the key', tenantA, `queue=denials&cursor=${forged({ ...envelope, key: { ...envelope.key, extra: 'x' } })}`],
    ];
    const pool = await firstPage('assignee=pool&limit=1');
    if (pool.cursor) cases.push(['an assignee cursor on a queue listing', tenantA, `queue=denials&cursor=${pool.cursor}`]);
    await expectRefused(cases);
  });
});

describe('tenant settings that do not fit an item', () => {
  const rate = (n: number) => ({ payerId: `payer-${String(n).padStart(50, '0')}`, procedureCode: '99213', allowedCentsPerUnit: 11_500, effectiveFrom: '2026-01-01' });

  it('answers 413 problem+json to a body over 256 KB (it used to be a 500 from DynamoDB)', async () => {
    const admin = await token([tenantA], ['admin'], 'sec-admin');
    const response = await call('PUT', `/config/settings?tenant=${tenantA}`, admin, { body: { contractRates: Array.from({ length: 4_000 }, (_, n) => rate(n)) } });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 413, errors: [{ field: '(body)' }] });
  });

  it('answers 400 naming the list when a list is longer than the item allows', async () => {
    const admin = await token([tenantA], ['admin'], 'sec-admin');
    const response = await call('PUT', `/config/settings?tenant=${tenantA}`, admin, { body: { contractRates: Array.from({ length: 1_001 }, (_, n) => rate(n)) } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain('contractRates');
  });
});

describe('dates outside the window', () => {
  it('refuses asOf=0000-01-01 on a claim and on the aging report, naming asOf', async () => {
    const manager = await token([tenantA], ['manager'], 'sec-manager');
    for (const path of [`/claims/${claimA}?tenant=${tenantA}&asOf=0000-01-01`, `/reports/aging?tenant=${tenantA}&asOf=0000-01-01`]) {
      const response = await call('GET', path, manager);
      expect(response.status, path).toBe(400);
      expect(await response.json(), path).toMatchObject({ errors: [{ field: 'asOf', message: 'a date from 1990-01-01 to 2100-12-31' }] });
    }
  });
});

describe('errors the local API server gives itself are problem+json', () => {
  it('answers 401 as problem+json with www-authenticate: Bearer', async () => {
    const response = await call('GET', `/queues?tenant=${tenantA}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ title: 'Unauthorized', status: 401 });
  });

  it('answers a 100 KB cursor (headers too large) with 431 problem+json', async () => {
    const response = await call('GET', `/work-items?tenant=${tenantA}&queue=denials&cursor=${'A'.repeat(100 * 1024)}`, await token([tenantA]));
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('answers a request it cannot parse with 400 problem+json', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400 });
  });
});
