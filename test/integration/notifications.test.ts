// The emails of a night on the local stack: digest, portfolio digest, reminders and alerts, through the real queues,
// table and SES emulator. Redelivery sends nothing twice; alerts send once when crossed and once when cleared.
import { CreateQueueCommand, PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArAccumulator } from '../../functions/domain/ar-report.js';
import type { Claim } from '../../functions/domain/claim.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { wholeDollars } from '../../functions/domain/money.js';
import { tenantSettings, type TenantSettings } from '../../functions/domain/tenant-settings.js';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sendEmail } from '../../functions/notify/email-sender.js';
import { apiLinksNote } from '../../functions/notify/html.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { notificationDeps } from '../../functions/handlers/notification-deps.js';
import { onRunComplete, onWatch, RetryLaterError, type NotificationDeps } from '../../functions/services/notifications.js';
import { deadLetterDepth } from '../../functions/shared/dead-letter-depth.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { RunStore } from '../../functions/store/run-store.js';
import { sentEmailKey } from '../../functions/store/keys.js';
import { TenantSettingsStore } from '../../functions/store/tenant-settings-store.js';
import { WorkItemStore } from '../../functions/store/work-item-store.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { localClientConfig } from '../../local/emulators.js';
import { runNight } from '../../local/nightly-driver.js';
import { functionEnvironment, type Runtime } from '../../local/runtime.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { directIngest, documentClient, localStack, sendTo, sqsClient, startTestRuntime, testConfig, uniqueTenant, waitFor, type DeliveryLog } from './harness.js';

const { endpoints, tableName } = localStack();
const client = documentClient();
const practice = uniqueTenant('mail');
const sister = uniqueTenant('mail-sister');
const deployment = testConfig([practice, sister]);
// The sister practice sends from its own address, with replies to its office; the first from the deployment's.
const sisterSender = { senderAddress: `billing@${sister}.example`, replyTo: `office@${sister}.example` };
const config = { ...deployment, tenants: [deployment.tenants[0]!, { ...deployment.tenants[1]!, ...sisterSender }] };
const claims = new ClaimStore(client, tableName, config.shardCount);
const workItems = new WorkItemStore(client, tableName);
const settingsStore = new TenantSettingsStore(client, tableName);
const manager = `manager@${practice}.example`;
const owner = `owner@${practice}.example`; // manages both practices
const sisterManager = `manager@${sister}.example`;
const ana = `ana@${practice}.example`;
const bob = `bob@${practice}.example`;
const practiceSettings = (alerts: Partial<TenantSettings['alerts']> = {}): TenantSettings =>
  tenantSettings.parse({
    assignmentRules: [
      { queue: 'denials', assignee: 'biller:ana' },
      { queue: 'rejections', assignee: 'team:front-end' },
    ],
    billers: [
      { userId: 'ana', email: ana, displayName: 'Ana', teams: ['front-end'] },
      { userId: 'bob', email: bob, displayName: 'Bob' },
    ],
    managerEmails: [manager, owner],
    alerts: { percentArOver90Above: 99.9, ...alerts },
  });
const practiceClaims: string[] = [];
const identifiers = new Set<string>();
let runtime: Runtime;
let deliveries: DeliveryLog;

interface SentEmail {
  from: string;
  replyTo: string[];
  subject: string;
  destination: { to: string[] };
  body: { html?: string; text?: string };
}
const emailsTo = async (address: string, subject?: string): Promise<SentEmail[]> =>
  ((await (await fetch(`${endpoints.ses}/store`)).json()) as { emails: SentEmail[] }).emails.filter(
    (e) => e.destination.to.includes(address) && (subject === undefined || e.subject.startsWith(subject)),
  );
const waitForEmails = (address: string, subject: string, count: number): Promise<SentEmail[]> =>
  waitFor(async () => {
    const found = await emailsTo(address, subject);
    return found.length >= count ? found : undefined;
  }, 30_000, `${count} "${subject}" email(s) to ${address}`);
/** Waits until the notification function has taken `n` more messages and the queue is idle again. */
const processed = async (before: number, n: number): Promise<void> => {
  const total = () => [...deliveries.attempts.values()].reduce((s, v) => s + v, 0);
  await waitFor(async () => (total() >= before + n ? true : undefined), 30_000, 'the notification message');
  await new Promise((r) => setTimeout(r, 300));
};
const attemptsSoFar = (): number => [...deliveries.attempts.values()].reduce((s, v) => s + v, 0);

const seed = async (tenantId: string, count: number, seedNumber: number, into?: string[]): Promise<void> => {
  for (const events of demoClaimEvents({ tenantId, claims: count, today: '2026-11-20', seed: seedNumber })) {
    for (const event of events) await ingestClaimEvent(claims, claimEvent.parse(event), directIngest);
    const first = events[0]!;
    into?.push(first.payload.claimId);
    if (first.type === 'claim.submitted') {
      const { patient, claimId, serviceDate } = first.payload;
      for (const value of [patient.lastName, patient.firstName, patient.memberId, patient.accountNumber, claimId, serviceDate.from, patient.dateOfBirth]) identifiers.add(value);
    }
  }
};

beforeAll(async () => {
  await settingsStore.put(practice, practiceSettings(), 'test', new Date().toISOString());
  await settingsStore.put(sister, { managerEmails: [sisterManager, owner] }, 'test', new Date().toISOString());
  await seed(practice, 120, 21, practiceClaims);
  await seed(sister, 30, 22);
  ({ runtime, deliveries } = await startTestRuntime(config));
});
afterAll(async () => {
  await runtime.stop();
});

describe('the emails of a night', () => {
  it('sends each manager the digest, the owner of both practices one more across them, and billers their reminders', async () => {
    await runNight(runtime.startNightly, client, tableName, config.tenants, '2026-11-21', 60_000);
    const [digest] = await waitForEmails(manager, 'Follow-up digest: Test practice', 1);
    // The digest's figures are the aging report's, computed here over the same claims.
    const report = new ArAccumulator('2026-11-21', 'service', 'bucket', [30, 60, 90, 120]);
    for (const id of practiceClaims) report.add((await claims.get(practice, id))!.claim as Claim);
    const ar = report.report();
    expect(ar.totalArCents).toBeGreaterThan(0);
    expect(digest!.body.text).toContain(`AR outstanding: ${wholeDollars(ar.totalArCents)} (${ar.claims} claims)`);
    expect(digest!.body.text).toContain(`% AR over 90 days: ${ar.percentOver90.toFixed(1)}% (no previous night to compare)`);
    expect(digest!.body.html).toContain('data-chart="bars"');
    // Its links open the system's API at its base URL, and it says what they need.
    expect(digest!.body.text).toContain(`Open the work queues: ${config.appBaseUrl}/queues?tenant=${practice}`);
    expect(digest!.body.text).toContain(apiLinksNote);

    expect(await waitForEmails(owner, 'Follow-up digest: Test practice', 2)).toHaveLength(2);
    const [portfolio] = await waitForEmails(owner, 'Follow-up digest: 2 practices, 2026-11-21', 1);
    expect(portfolio!.body.text).toContain(`Test practice ${practice}`);
    expect(portfolio!.body.text).toContain(`Test practice ${sister}`);
    expect(await emailsTo(sisterManager, 'Follow-up digest: 2 practices')).toHaveLength(0);
    // Each practice's digest comes from its sender; the one across practices from the deployment's.
    expect(digest).toMatchObject({ from: config.senderAddress, replyTo: [] });
    const [sisterDigest] = await waitForEmails(sisterManager, `Follow-up digest: Test practice ${sister}`, 1);
    expect(sisterDigest).toMatchObject({ from: sisterSender.senderAddress, replyTo: [sisterSender.replyTo] });
    expect(portfolio).toMatchObject({ from: config.senderAddress, replyTo: [] });

    // Ana's reminder counts what is assigned to her and to her team.
    let due = 0;
    for (const assignee of ['biller:ana', 'team:front-end']) due += (await workItems.pageAssignee(practice, assignee, 1000)).items.length;
    expect(due).toBeGreaterThan(0);
    const [reminder] = await waitForEmails(ana, 'Your follow-up work', 1);
    expect(reminder!.body.text).toContain(`${due} item${due === 1 ? ' is' : 's are'} due`);
    expect(reminder!.body.text).toContain(`Open your queue: ${config.appBaseUrl}/work-items?tenant=${practice}&assignee=me`);
    // Bob has nothing assigned: no email.
    expect(await emailsTo(bob)).toHaveLength(0);
    // No patient or claim identifier in any of them.
    const all = [...(await emailsTo(manager)), ...(await emailsTo(owner)), ...(await emailsTo(ana))];
    for (const identifier of identifiers) expect(JSON.stringify(all)).not.toContain(identifier);
  });

  it('sends nothing twice when the same run message is delivered again', async () => {
    const before = attemptsSoFar();
    await sendTo('notifications', { kind: 'run-complete', tenantId: practice, runDate: '2026-11-21' });
    await sendTo('notifications', { kind: 'run-complete', tenantId: sister, runDate: '2026-11-21' });
    // The two messages, and the practice's two reminder messages they fan out again.
    await processed(before, 4);
    expect(await emailsTo(manager, 'Follow-up digest')).toHaveLength(1);
    expect(await emailsTo(owner, 'Follow-up digest')).toHaveLength(3);
    expect(await emailsTo(ana)).toHaveLength(1);
  });

  it('alerts once when a threshold is crossed, not while it stays crossed, and once when it clears', async () => {
    const alerts = () => emailsTo(manager, 'Alert: AR over 90 days');
    const cleared = () => emailsTo(manager, 'Cleared: AR over 90 days');
    expect(await alerts()).toHaveLength(0);
    // The manager lowers the threshold under tonight's figure: the next night crosses it.
    await settingsStore.put(practice, practiceSettings({ percentArOver90Above: 1 }), 'test', new Date().toISOString());
    await runNight(runtime.startNightly, client, tableName, config.tenants.slice(0, 1), '2026-11-22', 60_000);
    const [alert] = await waitForEmails(manager, 'Alert: AR over 90 days', 1);
    expect(alert!.body.text).toContain('Threshold: 1.0%');
    expect(await waitForEmails(owner, 'Alert: AR over 90 days', 1)).toHaveLength(1);
    // Still crossed the next night: no email. (The digest of that night proves its messages were handled.)
    await runNight(runtime.startNightly, client, tableName, config.tenants.slice(0, 1), '2026-11-23', 60_000);
    await waitForEmails(manager, `Follow-up digest: Test practice ${practice}, 2026-11-23`, 1);
    expect(await alerts()).toHaveLength(1);
    // Raised back over the figure: one "cleared" email, then quiet again.
    await settingsStore.put(practice, practiceSettings({ percentArOver90Above: 99.9 }), 'test', new Date().toISOString());
    await runNight(runtime.startNightly, client, tableName, config.tenants.slice(0, 1), '2026-11-24', 60_000);
    await waitForEmails(manager, 'Cleared: AR over 90 days', 1);
    await runNight(runtime.startNightly, client, tableName, config.tenants.slice(0, 1), '2026-11-25', 60_000);
    await waitForEmails(manager, `Follow-up digest: Test practice ${practice}, 2026-11-25`, 1);
    expect(await alerts()).toHaveLength(1);
    expect(await cleared()).toHaveLength(1);
    // The second digest says how % AR over 90 moved since the night before.
    const [next] = await emailsTo(manager, `Follow-up digest: Test practice ${practice}, 2026-11-22`);
    expect(next!.body.text).toMatch(/% AR over 90 days: [\d.]+% \((up|down) [\d.]+ points since the previous night|unchanged since the previous night\)/);
  });

  it('sends the corrected digest and reminders again, once, when an operator re-runs a night', async () => {
    // The latest completed night (2026-11-25) can be re-run; an older one is refused (issue 13 item 7: it rolled the
    // queues back and emailed a stale digest after the current one).
    const [older] = await runNight(runtime.startNightly, client, tableName, config.tenants.slice(0, 1), '2026-11-21', 60_000, true);
    expect(older!.outcome).toBe('older-than-latest');
    const subject = `Follow-up digest: Test practice ${practice}, 2026-11-25`;
    await runNight(runtime.startNightly, client, tableName, config.tenants.slice(0, 1), '2026-11-25', 60_000, true);
    expect(await waitForEmails(manager, subject, 2)).toHaveLength(2);
    const remindersOfTheNight = async () => (await emailsTo(ana, 'Your follow-up work')).filter((e) => e.body.text?.includes('your follow-up work for 2026-11-25'));
    await waitFor(async () => ((await remindersOfTheNight()).length >= 2 ? true : undefined), 30_000, 'the re-run night reminder');
    const before = attemptsSoFar();
    await sendTo('notifications', { kind: 'run-complete', tenantId: practice, runDate: '2026-11-25' });
    await processed(before, 3);
    expect(await emailsTo(manager, subject)).toHaveLength(2);
    expect(await remindersOfTheNight()).toHaveLength(2);
    expect(await emailsTo(manager, `Follow-up digest: Test practice ${practice}, 2026-11-21`)).toHaveLength(1);
  });

  it('alerts when a night is not complete by its time (the watch schedule), and when it completes', async () => {
    await settingsStore.put(sister, { managerEmails: [sisterManager], alerts: { runCompleteBy: '06:00' } }, 'test', new Date().toISOString());
    const late = () => emailsTo(sisterManager, 'Alert: The nightly run is not complete');
    let before = attemptsSoFar();
    // 05:30 in Chicago on 2026-11-27: not late yet. 06:10: late. 06:25: still late, no second email.
    await sendTo('notifications', { kind: 'watch', at: '2026-11-27T11:30:00Z' });
    await processed(before, 1);
    expect(await late()).toHaveLength(0);
    before = attemptsSoFar();
    // One at a time: a standard queue may hand two messages to two pollers in either order, and the later
    // reading would then be the one that crosses (the earlier, stale one changes nothing after it).
    await sendTo('notifications', { kind: 'watch', at: '2026-11-27T12:10:00Z' });
    const [alert] = await waitForEmails(sisterManager, 'Alert: The nightly run is not complete', 1);
    expect(alert!.body.text).toContain('Nightly run: not complete at 06:10');
    before = attemptsSoFar();
    await sendTo('notifications', { kind: 'watch', at: '2026-11-27T12:25:00Z' });
    await processed(before, 1);
    expect(await late()).toHaveLength(1);
    await runNight(runtime.startNightly, client, tableName, config.tenants.slice(1), '2026-11-27', 60_000);
    await sendTo('notifications', { kind: 'watch', at: '2026-11-27T12:40:00Z' });
    await waitForEmails(sisterManager, 'Cleared: The nightly run completed', 1);
    expect(await late()).toHaveLength(1);
  });
});

describe('sending, address by address', () => {
  const sesClient = new SESv2Client(localClientConfig(endpoints.ses));
  const send: NotificationDeps['send'] = (sender, to, email) => sendEmail(sesClient, {}, sender, to, email);
  const deps = (overrides: Partial<NotificationDeps>): NotificationDeps => ({
    ...notificationDeps(client, tableName, {
      tenants: new Map(config.tenants.map((t) => [t.id, t])),
      deadLetters: async () => [],
      enqueue: async () => undefined, // these tenants have no billers
      send,
      sender: { from: config.senderAddress },
      appBaseUrl: config.appBaseUrl,
      now: () => new Date().toISOString(),
      log: { info: () => undefined, warn: () => undefined },
    }),
    ...overrides,
  });
  /** A completed night written straight to the table (the runtime's own sender stays out of these tests). */
  const completedRun = async (tenantId: string): Promise<void> => {
    const runs = new RunStore(client, tableName);
    await runs.create(tenantId, '2026-11-21', 1, '2026-11-21T08:00:00Z');
    await runs.finishShard(tenantId, '2026-11-21', 1, 0, { claimsAged: 3, 'ar:total': 90_000, 'ar:claims': 3, 'ar:bucket:0-30': 90_000 });
    await runs.complete(tenantId, '2026-11-21', 1, '2026-11-21T08:01:00Z');
  };
  /** A practice of its own with the given managers and a completed night; its tenant id and directory entry. */
  const practiceWithNight = async (label: string, managers: (tenantId: string) => string[]) => {
    const tenantId = uniqueTenant(label);
    const addresses = managers(tenantId);
    await settingsStore.put(tenantId, { managerEmails: addresses }, 'test', new Date().toISOString());
    await completedRun(tenantId);
    return { tenantId, addresses, tenants: new Map([[tenantId, testConfig([tenantId]).tenants[0]!]]) };
  };
  const refused = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
  const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });

  it('one address SES refuses does not stop the others, and is recorded as refused', async () => {
    const { tenantId, addresses, tenants } = await practiceWithNight('refused', (id) => [`bad@${id}.example`, `good@${id}.example`]);
    const [bad, good] = addresses as [string, string];
    const d = deps({ tenants, send: async (sender, to, email) => (to === bad ? Promise.reject(refused) : send(sender, to, email)) });
    await onRunComplete(d, tenantId, '2026-11-21');
    expect(await emailsTo(good, 'Follow-up digest')).toHaveLength(1);
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: sentEmailKey(tenantId, '2026-11-21', 'digest', bad) }));
    expect(Item).toMatchObject({ status: 'refused', reason: 'MessageRejected' });
    // Again: nothing more is sent to either.
    await onRunComplete(d, tenantId, '2026-11-21');
    expect(await emailsTo(good, 'Follow-up digest')).toHaveLength(1);
  });

  it('a passing fault fails the message for a retry, which sends only what is missing', async () => {
    const { tenantId, addresses, tenants } = await practiceWithNight('throttled', (id) => [`first@${id}.example`, `second@${id}.example`]);
    const [first, second] = addresses as [string, string];
    let failOnce = true;
    const d = deps({
      tenants,
      send: async (sender, to, email) => {
        if (to === second && failOnce) {
          failOnce = false;
          throw throttled;
        }
        return send(sender, to, email);
      },
    });
    await expect(onRunComplete(d, tenantId, '2026-11-21')).rejects.toBeInstanceOf(RetryLaterError);
    expect(await emailsTo(first, 'Follow-up digest')).toHaveLength(1);
    expect(await emailsTo(second, 'Follow-up digest')).toHaveLength(0);
    await onRunComplete(d, tenantId, '2026-11-21');
    expect(await emailsTo(first, 'Follow-up digest')).toHaveLength(1);
    expect(await emailsTo(second, 'Follow-up digest')).toHaveLength(1);
  });

  it('links to the base URL it is given: the local system gives its own API URL (the port it runs on)', async () => {
    const { tenantId, addresses, tenants } = await practiceWithNight('links', (id) => [`links@${id}.example`]);
    await onRunComplete(deps({ tenants, appBaseUrl: 'http://127.0.0.1:4123' }), tenantId, '2026-11-21');
    const [digest] = await emailsTo(addresses[0]!, 'Follow-up digest');
    expect(digest!.body.text).toContain(`Open the work queues: http://127.0.0.1:4123/queues?tenant=${tenantId}`);
    expect(digest!.body.html).toContain(`href="http://127.0.0.1:4123/reports/aging?tenant=${tenantId}&amp;groupBy=payer"`);
    expect(functionEnvironment(localStack().env, config, 'http://127.0.0.1:4123').APP_BASE_URL).toBe('http://127.0.0.1:4123');
    expect(functionEnvironment(localStack().env, config).APP_BASE_URL).toBe(config.appBaseUrl);
  });

  it('alerts on dead letters once when a message arrives, and once when the queue is empty again', async () => {
    const tenantId = uniqueTenant('dead');
    const one = testConfig([tenantId]).tenants[0]!;
    const to = `ops@${tenantId}.example`;
    await settingsStore.put(tenantId, { managerEmails: [to], alerts: { deadLettersNotEmpty: true } }, 'test', new Date().toISOString());
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${tenantId}-dlq` }));
    const d = deps({ tenants: new Map([[tenantId, one]]), deadLetters: deadLetterDepth(sqs, { ingest: QueueUrl! }) });
    await onWatch(d, '2026-11-24T12:00:00Z');
    expect(await emailsTo(to)).toHaveLength(0);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"poison":true}' }));
    await onWatch(d, '2026-11-24T12:15:00Z');
    await onWatch(d, '2026-11-24T12:30:00Z');
    expect(await emailsTo(to, 'Alert: Messages are waiting in a dead-letter queue')).toHaveLength(1);
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await onWatch(d, '2026-11-24T12:45:00Z');
    await onWatch(d, '2026-11-24T13:00:00Z');
    expect(await emailsTo(to, 'Cleared: The dead-letter queues are empty again')).toHaveLength(1);
    expect(await emailsTo(to)).toHaveLength(2);
    sqs.destroy();
  });
});
