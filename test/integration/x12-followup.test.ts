// What X12 files start beyond claim events (issue 14 items 2, 6, 7), through the real local path (inbox → x12 queue →
// ingest-x12-file → ingest and notification queues): remittance lines for claims the tenant does not hold in the
// unmatched-remittance queue, until their claims arrive; 999 rejections of 837 batches in the rejections queue;
// batch-level rejections alerting the managers; the digest's remittances received.
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateAt } from '../../functions/domain/calendar.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import type { Report999Outcome } from '../../functions/services/x12-file-ingest.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { X12FileStore } from '../../functions/store/x12-file-store.js';
import type { FileReport } from '../../functions/x12/file-report.js';
import { startApiServer, stopServer } from '../../local/api-server.js';
import { write837P, type Submitted } from '../../local/demo-x12.js';
import { createDevAuth, type DevAuth } from '../../local/dev-auth.js';
import { LocalInbox } from '../../local/emulators.js';
import { runNight } from '../../local/nightly-driver.js';
import { freePort } from '../../local/processes.js';
import type { Runtime } from '../../local/runtime.js';
import { documentClient, localStack, startTestRuntime, submittedEvent, testConfig, uniqueTenant, waitFor } from './harness.js';

const tenant = uniqueTenant('x12-follow');
const config = testConfig([tenant]);
const manager = `manager@${tenant}.example`;
const { endpoints, tableName } = localStack();
const client = documentClient();
const files = new X12FileStore(client, tableName);
const workItems = new WorkItemStore(client, tableName);

let runtime: Runtime;
let server: Server;
let auth: DevAuth;
let base: string;
let inbox: LocalInbox;

beforeAll(async () => {
  ({ runtime } = await startTestRuntime(config));
  auth = await createDevAuth();
  const port = await freePort();
  server = await startApiServer({ port, handler: runtime.handlers.api, auth });
  base = `http://127.0.0.1:${port}`;
  inbox = new LocalInbox(localStack().env);
});
afterAll(async () => {
  inbox?.close();
  if (server) await stopServer(server);
  await runtime?.stop();
});

// ---- Files ----

const unique = (): string => randomBytes(4).toString('hex').toUpperCase();
const controlNumber = (): number => 100_000_000 + randomBytes(3).readUIntBE(0, 3);
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** One interchange, one group, one transaction per body; SE01 and the trailers right. */
const interchange = (isa: number, functionalId: string, implementation: string, setId: string, bodies: readonly string[]): string => {
  const isa13 = String(isa).padStart(9, '0');
  const sets = bodies.map((body, i) => {
    const segments = body.split('~').filter((s) => s.trim() !== '');
    const st02 = String(i + 1).padStart(4, '0');
    return [`ST*${setId}*${st02}*${implementation}`, ...segments, `SE*${segments.length + 2}*${st02}`];
  });
  return (
    [
      `ISA*00*          *00*          *ZZ*${'CLEARINGHOUSE'.padEnd(15)}*ZZ*${'PRACTICE'.padEnd(15)}*261120*1200*^*00501*${isa13}*0*T*:`,
      `GS*${functionalId}*CLEARINGHOUSE*PRACTICE*20261120*1200*${isa}*X*${implementation}`,
      ...sets.flat(),
      `GE*${sets.length}*${isa}`,
      `IEA*1*${isa13}`,
    ].join('~\n') + '~\n'
  );
};

/** An 835 paying `claims` (CLP and CAS segments each), BPR02 their CLP04 sum, from ACME HEALTH on 2026-10-20. */
const remit835 = (trace: string, claims: ReadonlyArray<{ clp: string; paidCents: number }>): string => {
  const total = claims.reduce((s, c) => s + c.paidCents, 0);
  return interchange(controlNumber(), 'HP', '005010X221A1', '835', [
    `BPR*I*${(total / 100).toFixed(2)}*C*ACH************20261020~TRN*1*${trace}*1512345678~DTM*405*20261019~N1*PR*ACME HEALTH~REF*2U*ACME1~N1*PE*GOOD CLINIC*XX*1234567893~LX*1~` +
      claims.map((c) => `${c.clp}~NM1*QC*1*TESTPATIENT*IMA****MI*MEMBERX12`).join('~'),
  ]);
};

/** A claim of 150.50 over two lines (DOS 2026-09-28, sent 2026-10-01), as an 837 carries it. */
const claimOf = (claimId: string): Submitted =>
  claimEvent.parse(
    submittedEvent(tenant, claimId, {
      payload: {
        ...submittedEvent(tenant, claimId).payload,
        lines: [
          { procedureCode: '99214', modifiers: ['25'], units: 1, chargeCents: 10_000 },
          { procedureCode: '93000', modifiers: [], units: 2, chargeCents: 5_050 },
        ],
        totalChargeCents: 15_050,
        submittedOn: '2026-10-01',
        payer: { id: 'ACME1', name: 'ACME HEALTH', type: 'commercial' },
      },
    }),
  ) as Submitted;
const file837 = (gs06: number, claimIds: readonly string[]): string =>
  write837P(claimIds.map(claimOf), { controlNumber: gs06, sender: 'PRACTICE', receiver: 'CLEARINGHOUSE', createdOn: '2026-10-01', practiceName: 'GOOD CLINIC' });

// ---- Reading back ----

const token = (roles: Array<'biller' | 'manager'> = ['biller']) => auth.sign({ sub: `user-${roles[0]}`, email: `${roles[0]}@x12.example`, roles, tenants: [tenant] });
const get = async (path: string, roles?: Array<'biller' | 'manager'>): Promise<{ status: number; body: Record<string, any> }> => {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await token(roles)}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const recorded = (text: string) => waitFor(() => files.report(tenant, sha256(text)), 30_000, 'the file report');
const queue = async (name: string) => (await get(`/work-items?tenant=${tenant}&queue=${name}&limit=50`)).body.items as Array<Record<string, any>>;
const claimStatus = async (claimId: string): Promise<string | undefined> => {
  const claim = await get(`/claims/${claimId}?tenant=${tenant}`);
  return claim.status === 200 ? (claim.body.status as string) : undefined;
};

interface SentEmail {
  subject: string;
  destination: { to: string[] };
  body: { html?: string; text?: string };
}
const emailsTo = async (address: string, subject: string): Promise<SentEmail[]> =>
  ((await (await fetch(`${endpoints.ses}/store`)).json()) as { emails: SentEmail[] }).emails.filter((e) => e.destination.to.includes(address) && e.subject.startsWith(subject));
const emailAbout = (address: string, subject: string, contains: string): Promise<SentEmail> =>
  waitFor(async () => (await emailsTo(address, subject)).find((e) => e.body.text?.includes(contains)), 30_000, `the "${subject}" email`);

// ---- The claims ----

const paidInFull = `X12U-PAID-${unique()}`; // paid exactly what was billed: settled, never in follow-up
const reduced = `X12U-RED-${unique()}`; // paid with a contractual reduction: in follow-up until a night retires it
const denied = `X12U-DEN-${unique()}`; // denied: the night gives it the claim's own work
const trace = `EFT${unique()}`;
const unmatched835 = remit835(trace, [
  { clp: `CLP*${paidInFull}*1*150.5*150.5**12*PCN1`, paidCents: 15_050 },
  { clp: `CLP*${reduced}*1*150.5*120.5**12*PCN2~CAS*CO*45*30`, paidCents: 12_050 },
  { clp: `CLP*${denied}*1*150.5*0**12*PCN3~CAS*CO*197*150.5`, paidCents: 0 },
]);
const rejectedA = `X12R-A-${unique()}`;
const rejectedB = `X12R-B-${unique()}`;
const batchGroup = controlNumber();
const today = localDateAt(new Date().toISOString(), config.tenants[0]!.timeZone);

describe('X12 files beyond claim events', () => {
  it('puts remittance lines for claims the tenant does not hold in the unmatched-remittance queue, once', async () => {
    await inbox.put(tenant, 'remit-unknown.835', unmatched835);
    const stored = await recorded(unmatched835);
    expect(stored).toMatchObject({ status: 'accepted', remittanceCount: 1, remittanceTransactionCount: 1, remittanceCents: 27_100, refusedRemittanceCount: 0, unmatchedClaimCount: 3 });

    const items = await waitFor(async () => {
      const listed = await queue('unmatched-remittance');
      return listed.length === 3 ? listed : undefined;
    }, 10_000, 'three unmatched items');
    const paid = items.find((i) => i.claimId === paidInFull)!;
    expect(paid).toMatchObject({
      queue: 'unmatched-remittance',
      dollarsCents: 15_050,
      assignee: 'pool',
      payerName: 'ACME HEALTH',
      payerId: 'ACME1',
      claimStatus: 'paid',
      nextStep: 'find the claim this payment is for: load it, or return the payment',
      reasons: [`ACME HEALTH remitted $150.50 on 2026-10-19 (trace ${trace}) for a claim this practice does not hold: find the claim and post it, or return the payment`],
    });
    expect(items.find((i) => i.claimId === denied)).toMatchObject({ dollarsCents: 0, claimStatus: 'denied' });
    // GET /queues counts them from the queue totals, exactly.
    const queues = (await get('/queues')).body.tenants[0].queues as Array<{ queue: string; count: number; dollarsCents: number }>;
    expect(queues.find((q) => q.queue === 'unmatched-remittance')).toMatchObject({ count: 3, dollarsCents: 27_100 });

    // The same remittance in another file: the same items, not written again, and not counted again.
    const before = await workItems.get(tenant, paidInFull);
    const again = unmatched835.replace('~\n', '~\n\n');
    await inbox.put(tenant, 'remit-unknown-again.835', again);
    expect(await recorded(again)).toMatchObject({ remittanceCount: 1, remittanceTransactionCount: 0, remittanceCents: 0, unmatchedClaimCount: 0 });
    expect((await workItems.get(tenant, paidInFull))?.version).toBe(before!.version);
    expect(await queue('unmatched-remittance')).toHaveLength(3);
  });

  it('a 999 rejecting an 837 batch rejects the claims it carried, reports the sets it does not know, and alerts the managers', async () => {
    const claims = file837(batchGroup, [rejectedA, rejectedB]);
    await inbox.put(tenant, 'claims.837', claims);
    await waitFor(async () => ((await claimStatus(rejectedA)) === 'submitted' && (await claimStatus(rejectedB)) === 'submitted' ? true : undefined), 30_000, 'the submitted claims');

    const ack = interchange(controlNumber(), 'FA', '005010X231A1', '999', [
      `AK1*HC*${batchGroup}*005010X222A1~AK2*837*0001*005010X222A1~IK3*NM1*17**8~IK5*R*5~AK2*837*0099*005010X222A1~IK5*A~AK9*P*2*2*1`,
    ]);
    await inbox.put(tenant, 'acks.999', ack);
    await waitFor(async () => ((await claimStatus(rejectedA)) === 'rejected' && (await claimStatus(rejectedB)) === 'rejected' ? true : undefined), 30_000, 'the rejected claims');
    const claim = await get(`/claims/${rejectedA}?tenant=${tenant}`);
    expect(claim.body.rejection).toMatchObject({ categoryCode: 'A3', statusCode: '21', on: '2026-10-01' });

    const report = JSON.parse((await recorded(ack)).report!) as FileReport;
    const line = report.transactions[0] as unknown as Report999Outcome;
    expect(line.acknowledgments).toEqual([
      expect.objectContaining({ level: 'set', groupControlNumber: String(batchGroup), setControlNumber: '0001', code: 'R', claims: 2, claimsRejected: 2 }),
      expect.objectContaining({ level: 'set', setControlNumber: '0099', code: 'A', claims: null, claimsRejected: 0 }),
      expect.objectContaining({ level: 'group', code: 'P', claims: 2, claimsRejected: 0 }),
    ]);
    expect(line.unknownSets).toEqual([{ groupControlNumber: String(batchGroup), setControlNumber: '0099' }]);
    expect((await files.report(tenant, sha256(ack)))?.eventCount).toBe(2);

    const alert = await emailAbout(manager, 'Alert: the clearinghouse rejected a batch', sha256(ack).slice(0, 12));
    expect(alert.body.text).toContain('837 batches rejected (999): 1');
    expect(alert.body.text).toContain('Claims sent to Rejections: 2');
    expect(JSON.stringify(alert)).not.toMatch(new RegExp(`${rejectedA}|${rejectedB}|Testpatient|MBR-TEST`));
  });

  it("alerts the managers once of a 277CA's batch-level rejection, naming the file and counts only", async () => {
    const ca = interchange(controlNumber(), 'HN', '005010X214', '277', [
      'BHT*0085*08*B1*20261120*1200*TH~HL*1**20*1~NM1*PR*2*ACME HEALTH*****PI*ACME1~TRN*1*T1~DTP*050*D8*20261120~DTP*009*D8*20261120~' +
        'HL*2*1*21*1~NM1*41*2*GOOD CLINIC*****46*S1~TRN*2*BATCH1~STC*A3:24:41*20261120*U*150.5~QTY*AA*1~AMT*YY*150.5~' +
        'HL*3*2*19*1~NM1*85*2*GOOD CLINIC*****XX*1234567893~TRN*1*P1~HL*4*3*PT~NM1*QC*1*TESTPATIENT*IMA****MI*MEMBERX12~TRN*2*SOMECLAIM~STC*A1:20*20261120*WQ*150.5',
    ]);
    await inbox.put(tenant, 'acks.277', ca);
    const stored = await recorded(ca);
    const statuses = (JSON.parse(stored.report!) as { transactions: Array<{ statuses: Array<{ level: string }> }> }).transactions[0]!.statuses;
    expect(statuses.map((s) => s.level)).toEqual(['batch', 'claim']);
    const alert = await emailAbout(manager, 'Alert: the clearinghouse rejected a batch', sha256(ca).slice(0, 12));
    expect(alert.body.text).toContain('Batch-level rejections (277CA): 1');
    expect(alert.body.text).toContain('837 batches rejected (999): 0');
    expect(alert.body.text).toContain(`Open the file reports: ${config.appBaseUrl}/files?tenant=${tenant}`);
    expect(JSON.stringify(alert)).not.toMatch(/TESTPATIENT|MEMBERX12|SOMECLAIM/);
    // Dropped again under another name: nothing new is sent.
    await inbox.put(tenant, 'acks-copy.277', ca);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await emailsTo(manager, 'Alert: the clearinghouse rejected a batch')).filter((e) => e.body.text?.includes(sha256(ca).slice(0, 12)))).toHaveLength(1);
  });

  it('once the claims arrive, the night and its notifications settle the unmatched items; the digest counts the remittances', async () => {
    const claims = file837(controlNumber(), [paidInFull, reduced, denied]);
    await inbox.put(tenant, 'late-claims.837', claims);
    // Each remittance waited in its claim's history and applies now.
    await waitFor(async () => ((await claimStatus(paidInFull)) === 'paid' && (await claimStatus(reduced)) === 'paid' && (await claimStatus(denied)) === 'denied' ? true : undefined), 30_000, 'the claims with their remittances');
    expect(await queue('unmatched-remittance')).toHaveLength(3);

    await runNight(runtime.startNightly, client, tableName, config.tenants, today, 60_000);
    // In follow-up, the night visits them: the denial gets its own work, the reduced claim's item closes.
    expect((await workItems.get(tenant, denied))).toMatchObject({ status: 'open', queue: 'denials' });
    expect((await workItems.get(tenant, reduced))).toMatchObject({ status: 'closed' });
    // Paid in full, no night visits it: the notifications after the night close its item.
    await waitFor(async () => ((await workItems.get(tenant, paidInFull))?.status === 'closed' ? true : undefined), 30_000, 'the settled item closed');
    expect(await queue('unmatched-remittance')).toEqual([]);
    // The 999's claims are in the rejections queue.
    expect((await queue('rejections')).map((i) => i.claimId).sort()).toEqual([rejectedA, rejectedB].sort());

    // The digest: the one remittance received since the previous digest (its copy in a second file counts once), its
    // dollars, its three unmatched lines.
    const digest = await emailAbout(manager, `Follow-up digest: Test practice ${tenant}`, 'Remittances received');
    expect(digest.body.text).toContain('Remittances (835): 1');
    expect(digest.body.text).toContain('Dollars applied: $271');
    expect(digest.body.text).toContain('Unmatched: 3 (claim lines)');
    expect(digest.body.text).toContain('Refused: 0 (remittances)');
  });
});
