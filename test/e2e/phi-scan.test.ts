// An end-to-end local run over seeded demo data (`npm start`: seed, the night, its emails; then a biller at work
// through the API), with every email and every log line it produced scanned for the seeded patients' names,
// member ids, account numbers, claim numbers, dates of service and dates of birth, with the logs at DEBUG. Zero hits.
// The same run at WARN prints no DEBUG or INFO line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, localDateAt } from '../../functions/domain/calendar.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { loadConfig } from '../../lib/config.js';
import { freePort } from '../../local/processes.js';
import { startSystem, stopWithCtrlC } from './local-process.js';

const homes: string[] = [];
afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));
const claimsPerTenant = 150;

interface StoredEmail {
  subject: string;
  destination: { to: string[] };
  body: { html?: string; text?: string };
}

/** What identifies the seeded patients and claims, regenerated from the same seed the start used. */
const seededIdentifiers = (today: string): { values: Set<string>; names: Set<string> } => {
  const config = loadConfig('dev');
  const values = new Set<string>();
  const names = new Set<string>();
  config.tenants.forEach((tenant, i) => {
    for (const events of demoClaimEvents({ tenantId: tenant.id, claims: claimsPerTenant, today, seed: 1000 + i })) {
      for (const event of events) {
        const payload = event.payload as Record<string, unknown>;
        if (typeof payload.claimId === 'string') values.add(payload.claimId);
        if (typeof payload.payerClaimNumber === 'string') values.add(payload.payerClaimNumber);
        if (event.type !== 'claim.submitted') continue;
        const { patient, serviceDate } = event.payload;
        for (const v of [patient.memberId, patient.accountNumber, patient.dateOfBirth, serviceDate.from, serviceDate.through]) values.add(v);
        // Dates also as a US biller writes them.
        for (const d of [serviceDate.from, serviceDate.through, patient.dateOfBirth]) values.add(`${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(0, 4)}`);
        names.add(patient.lastName);
        names.add(`${patient.firstName} ${patient.lastName}`);
      }
    }
  });
  return { values, names };
};

const hitsIn = (text: string, where: string, ids: ReturnType<typeof seededIdentifiers>): string[] => {
  const hits: string[] = [];
  for (const value of ids.values) if (text.includes(value)) hits.push(`${where}: ${value}`);
  for (const name of ids.names) if (new RegExp(`\\b${name}\\b`).test(text)) hits.push(`${where}: ${name}`);
  return hits;
};

interface Session {
  /** Everything the process printed: its banner, and every log line of every function. */
  readonly logs: string;
  readonly emails: StoredEmail[];
  /** The demo's today, which the start seeded for. */
  readonly today: string;
}

/**
 * `npm start` over its own data folder with the functions' logs at `logLevel`: the night's emails, then a biller at
 * work through the API (takes the next item, records a call, reads a claim that is not there); then Ctrl-C.
 */
const session = async (logLevel: string): Promise<Session> => {
  const today = localDateAt(new Date().toISOString(), loadConfig('dev').tenants[0]!.timeZone);
  const home = mkdtempSync(join(tmpdir(), 'claim-followup-phi-'));
  homes.push(home);
  const port = await freePort();
  const { child, output } = await startSystem(home, port, { LOG_LEVEL: logLevel, DEMO_CLAIMS_PER_TENANT: String(claimsPerTenant) });
  let emails: StoredEmail[] = [];
  try {
    const ses = /Sent email\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output())![1]!;
    const api = `http://127.0.0.1:${port}`;
    const token = /biller .*:\n\s+(\S+)/.exec(output())![1]!;
    // The night's emails: both practices' digests, the demo manager's digest across them, the biller's reminder.
    const deadline = Date.now() + 60_000;
    for (;;) {
      emails = ((await (await fetch(`${ses}/store`)).json()) as { emails: StoredEmail[] }).emails;
      const to = (address: string, subject: string) => emails.some((e) => e.destination.to.includes(address) && e.subject.startsWith(subject));
      if (to('manager@demo.example', 'Follow-up digest: 2 practices') && to('biller@demo.example', 'Your follow-up work') && to('manager@summit.example', 'Follow-up digest')) break;
      if (Date.now() > deadline) throw new Error(`the night's emails did not all arrive: ${emails.map((e) => e.subject).join('; ')}\n${output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // A biller at work: takes the next item, records a call, and reads a claim that is not there.
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const next = await fetch(`${api}/work-items/next`, { method: 'POST', headers: auth, body: '{}' });
    expect(next.status).toBe(200);
    const item = (await next.json()) as { claimId: string; tenantId: string; daysLeft?: number };
    // A pend may not pass the work's deadline (issue 13): 10 days, or up to the deadline when it is nearer.
    const pendDays = item.daysLeft !== undefined && item.daysLeft >= 0 ? Math.min(10, item.daysLeft) : 10;
    const acted = await fetch(`${api}/claims/${encodeURIComponent(item.claimId)}/actions?tenant=${item.tenantId}`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'called-payer', callReference: 'REF-1', outcome: 'Payer says it is in process', ...(pendDays > 0 ? { nextFollowUpOn: addDays(today, pendDays) } : {}) }),
    });
    expect(acted.status).toBe(201);
    expect((await fetch(`${api}/claims/NOT-A-CLAIM?tenant=${item.tenantId}`, { headers: auth })).status).toBe(404);
  } finally {
    expect(await stopWithCtrlC(child)).toBe(0);
  }
  return { logs: output(), emails, today };
};

/** The structured log lines at a level (Powertools writes one JSON object a line). */
const linesAt = (logs: string, level: string): string[] => logs.split('\n').filter((line) => line.includes(`"level":"${level}"`));

describe('no patient identifier leaves the system', () => {
  it('in any email or log line, DEBUG lines included, of a local run over seeded data', async () => {
    // Logs at their most detailed: what an operator might turn on.
    const { logs, emails, today } = await session('DEBUG');
    // The scan reads real material: structured log lines of every function, at every level down to DEBUG (the
    // lease taken, each email's send, the reminders' work pages), and every kind of email.
    expect(logs).toMatch(/"message":"aging shard"/);
    expect(logs).toMatch(/"message":"night emails"/);
    const debug = linesAt(logs, 'DEBUG');
    for (const message of ['work item leased', 'lease candidates read', 'email send attempted', 'SES accepted the email', 'night emails planned', 'reminder work page read']) {
      expect(debug.filter((line) => line.includes(`"message":"${message}"`)), message).not.toEqual([]);
    }
    expect(emails.length).toBeGreaterThanOrEqual(5);
    const ids = seededIdentifiers(today);
    expect(ids.values.size).toBeGreaterThan(claimsPerTenant * 2 * 4);
    // Every line the process printed is scanned, so every DEBUG line above is.
    const hits = [
      ...hitsIn(logs, 'log', ids),
      ...emails.flatMap((e, i) => hitsIn(`${e.subject}\n${e.body.text ?? ''}\n${e.body.html ?? ''}`, `email ${i} "${e.subject}"`, ids)),
    ];
    expect(hits).toEqual([]);
  });

  it('and LOG_LEVEL=WARN keeps the same run free of DEBUG and INFO lines', async () => {
    const { logs, emails } = await session('WARN');
    expect(emails.length).toBeGreaterThanOrEqual(5);
    expect(linesAt(logs, 'DEBUG')).toEqual([]);
    expect(linesAt(logs, 'INFO')).toEqual([]);
  });
});
