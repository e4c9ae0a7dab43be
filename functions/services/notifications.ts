// The emails a night calls for, apart from Lambda: the managers' digest (per practice, and one across practices for
// a manager of several), the billers' reminders, and threshold alerts when they cross or clear. Every email is
// claimed in the table before it is sent, so a redelivered message sends nothing twice; an address SES refuses is
// recorded and skipped; a passing fault leaves the email unclaimed and fails the message so the queue retries it.
import { alertChanges, readAlerts, type AlertKind, type AlertObservation, type AlertStanding } from '../domain/alerts.js';
import { addDays, localDateAt, localTimeAt, type CalendarDate } from '../domain/calendar.js';
import { remittancesReceived, remittanceWindow, statusInquiryFigures, tenantDigest, workDayBefore, type RemittancesReceived, type RunHealth, type StatusInquiryFigures, type TenantDigest } from '../domain/digest.js';
import { daysInArWindow, kpisOn } from '../domain/kpis.js';
import { summarizeNight, type NightSummary } from '../domain/night-summary.js';
import { answerLookbackNights } from '../domain/status-inquiry.js';
import { ReminderTally } from '../domain/reminder.js';
import type { BillerContact, TenantSettings } from '../domain/tenant-settings.js';
import { unmatchedItemSettled } from '../domain/unmatched-remittance.js';
import { alertEmail, batchRejectedEmail } from '../notify/alert-email.js';
import { managerDigestEmail, portfolioDigestEmail } from '../notify/digest-email.js';
import type { EmailSender } from '../notify/email-sender.js';
import type { Email } from '../notify/html.js';
import { billerReminderEmail } from '../notify/reminder-email.js';
import type { TenantConfig } from '../shared/config-schema.js';
import type { DeadLetterDepth } from '../shared/dead-letter-depth.js';
import type { NotificationMessage } from '../shared/messages.js';
import { logger } from '../shared/observability.js';
import { AlertStateStore } from '../store/alert-state-store.js';
import type { ClaimStore } from '../store/claim-store.js';
import { HistoryStore } from '../store/history-store.js';
import { RejectedEventStore } from '../store/rejected-event-store.js';
import { KpiStore } from '../store/kpi-store.js';
import { RunStore, type NightlyRunRecord } from '../store/run-store.js';
import { SentEmailStore } from '../store/sent-email-store.js';
import type { StatusInquiryStore } from '../store/status-inquiry-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { WorkItemStore } from '../store/work-item-store.js';
import type { X12FileStore } from '../store/x12-file-store.js';

export interface NotificationLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface NotificationDeps {
  readonly runs: RunStore;
  readonly sent: SentEmailStore;
  readonly settings: TenantSettingsStore;
  readonly workItems: WorkItemStore;
  readonly history: HistoryStore;
  readonly alerts: AlertStateStore;
  readonly rejected: RejectedEventStore;
  readonly kpis: KpiStore;
  /** X12 file reports: the digest's remittances received. */
  readonly files: Pick<X12FileStore, 'filesReceived'>;
  /** Whether an unmatched remittance's claim has arrived (read only). */
  readonly claims: Pick<ClaimStore, 'getMany'>;
  /** The 276 batches and their answers: the digest's status checks. */
  readonly inquiries: Pick<StatusInquiryStore, 'activity'>;
  readonly tenants: ReadonlyMap<string, TenantConfig>;
  readonly deadLetters: DeadLetterDepth;
  /** Puts messages on the notification queue (the reminders a night fans out). */
  readonly enqueue: (messages: readonly NotificationMessage[]) => Promise<void>;
  /** Sends one email to one address; resolves to the provider's message id. */
  readonly send: (sender: EmailSender, to: string, email: Email) => Promise<string>;
  /** The deployment's sender: for a digest across practices, and practices with no sender of their own. */
  readonly sender: EmailSender;
  readonly appBaseUrl: string;
  readonly now: () => string;
  readonly log: NotificationLog;
}

/** Some emails hit a passing fault: the message must be retried (what was sent is not sent again). */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/** SES refuses these for the address itself: retrying would not help. */
const refusedForGood = new Set(['MessageRejected', 'BadRequestException', 'InvalidParameterValue']);

type Outcome = 'sent' | 'already-sent' | 'refused' | 'retry';

interface Delivery {
  readonly from: EmailSender;
  readonly tenantId: string;
  readonly occasion: string;
  readonly kind: string;
  readonly to: string;
  readonly email: Email;
}

/** Sends one email once: claimed first, then sent, then recorded. Logs carry the kind, never an address. */
const deliver = async (deps: NotificationDeps, d: Delivery): Promise<Outcome> => {
  if (!(await deps.sent.claim(d.tenantId, d.occasion, d.kind, d.to, deps.now()))) return 'already-sent';
  logger.debug('email send attempted', { tenantId: d.tenantId, kind: d.kind });
  try {
    const messageId = await deps.send(d.from, d.to, d.email);
    await deps.sent.markSent(d.tenantId, d.occasion, d.kind, d.to, messageId, deps.now());
    return 'sent';
  } catch (error) {
    const name = (error as Error).name;
    if (refusedForGood.has(name)) {
      await deps.sent.markRefused(d.tenantId, d.occasion, d.kind, d.to, name, deps.now());
      deps.log.warn('email refused for the address', { tenantId: d.tenantId, kind: d.kind, error: name });
      return 'refused';
    }
    await deps.sent.release(d.tenantId, d.occasion, d.kind, d.to);
    deps.log.warn('email not sent; the message will be retried', { tenantId: d.tenantId, kind: d.kind, error: name });
    return 'retry';
  }
};

const deliverAll = async (deps: NotificationDeps, deliveries: readonly Delivery[]): Promise<Outcome[]> => {
  const outcomes: Outcome[] = [];
  for (const d of deliveries) outcomes.push(await deliver(deps, d));
  return outcomes;
};

/** Who a practice's emails are from: its own sender and reply-to where configured, else the deployment's. */
const practiceSender = (deps: NotificationDeps, tenant: TenantConfig): EmailSender => {
  const replyTo = tenant.replyTo ?? deps.sender.replyTo;
  return { from: tenant.senderAddress ?? deps.sender.from, ...(replyTo ? { replyTo } : {}) };
};

/** Who gets a tenant's managers' emails: recipients an admin saved win over the deployment configuration. */
const managerRecipients = (settings: TenantSettings, tenant: TenantConfig): readonly string[] =>
  settings.managerEmails.length ? settings.managerEmails : tenant.managerEmails;

/** The occasion a night's emails are sent once for; a re-run of a night is a new one (the corrected figures). */
const occasionOf = (run: NightlyRunRecord): string => (run.attempt > 1 ? `${run.runDate}.${run.attempt}` : run.runDate);

const summaryOf = (run: NightlyRunRecord | undefined, settings: TenantSettings): NightSummary | undefined =>
  run?.status === 'complete' ? summarizeNight(run.counts, settings.agingBuckets) : undefined;

/**
 * Closes the unmatched-remittance items whose claim has arrived and that no night will visit (the claim is held and not
 * in follow-up: settled at once, e.g. paid in full by the remittance that waited for it); a claim in follow-up is left to
 * the night, which replaces the item with the claim's own plan or closes it. Returns the queue's open items after it.
 * Idempotent, and run after every completed night, before its digest.
 */
export const settleUnmatchedRemittances = async (
  deps: Pick<NotificationDeps, 'workItems' | 'claims'>,
  tenantId: string,
  on: CalendarDate,
): Promise<{ readonly closed: number; readonly count: number; readonly cents: number }> => {
  let closed = 0;
  let count = 0;
  let cents = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.workItems.pageQueue(tenantId, 'unmatched-remittance', 100, cursor);
    const held = new Map((await deps.claims.getMany(tenantId, page.items.map((i) => i.claimId))).map((s) => [s.claim.claimId, s.claim]));
    for (const item of page.items) {
      if (unmatchedItemSettled(held.get(item.claimId)) && (await deps.workItems.close(item, on))) {
        closed++;
        continue;
      }
      count++;
      cents += item.dollarsCents;
    }
    cursor = page.cursor;
  } while (cursor);
  return { closed, count, cents };
};

/** The digest's window: since the previous night completed (else the 24 h before this one did), through this one's completion. */
const windowOf = (deps: NotificationDeps, run: NightlyRunRecord, previous: NightlyRunRecord | undefined): { since: string; through: string } =>
  remittanceWindow(run.completedAt ?? deps.now(), previous?.status === 'complete' ? previous.completedAt : undefined);

/** The digest's remittances received: the files that arrived in its window. */
const remittancesFor = async (deps: NotificationDeps, tenantId: string, window: { since: string; through: string }): Promise<RemittancesReceived> =>
  remittancesReceived(window.since, window.through, await deps.files.filesReceived(tenantId, window.since, window.through));

/**
 * The digest's status checks in its window (domain/digest.ts says what each figure counts): the batches of the
 * recent nights, and where each answered claim's work is after this night.
 */
const statusChecksFor = async (deps: NotificationDeps, tenantId: string, runDate: CalendarDate, window: { since: string; through: string }): Promise<StatusInquiryFigures> => {
  const batches = await deps.inquiries.activity(tenantId, addDays(runDate, -answerLookbackNights), runDate);
  const answered = [...new Set(batches.flatMap((b) => b.answers.filter((a) => a.at > window.since && a.at <= window.through).map((a) => a.claimId)))];
  const items = answered.length > 0 ? await deps.workItems.getMany(tenantId, answered) : new Map<string, never>();
  return statusInquiryFigures(window.since, window.through, batches, (claimId) => {
    const item = items.get(claimId);
    return item?.status === 'open' ? item.queue : 'no-open-work';
  });
};

/** Everything a practice's digest says about a completed night. */
const buildDigest = async (deps: NotificationDeps, tenant: TenantConfig, settings: TenantSettings, run: NightlyRunRecord, deadLetters: RunHealth['deadLetters']): Promise<TenantDigest> => {
  // Unmatched items sit on claims the night does not visit: their backlog row is the queue itself, read after settling.
  const unmatched = await settleUnmatchedRemittances(deps, tenant.id, run.runDate).catch((error: Error) => {
    deps.log.warn('unmatched remittances not settled; the next night tries again', { tenantId: tenant.id, error: error.name });
    return undefined;
  });
  const [previous, actionsByUser, refusedBefore, refusedOn, kpiDays] = await Promise.all([
    deps.runs.get(tenant.id, addDays(run.runDate, -1)),
    deps.history.actionsByUser(tenant.id, workDayBefore(run.runDate)),
    deps.rejected.count(tenant.id, addDays(run.runDate, -1)),
    deps.rejected.count(tenant.id, run.runDate),
    deps.kpis.days(tenant.id, addDays(run.runDate, -(daysInArWindow - 1)), run.runDate),
  ]);
  const window = windowOf(deps, run, previous);
  const asking = settings.statusInquiries.length > 0;
  const [remittances, statusInquiries] = await Promise.all([remittancesFor(deps, tenant.id, window), asking ? statusChecksFor(deps, tenant.id, run.runDate, window) : undefined]);
  const summary = summarizeNight(run.counts, settings.agingBuckets);
  const night: NightSummary = unmatched
    ? { ...summary, backlogByQueue: summary.backlogByQueue.map((row) => (row.queue === 'unmatched-remittance' ? { ...row, count: unmatched.count, cents: unmatched.cents } : row)) }
    : summary;
  const previousNight = summaryOf(previous, settings);
  return tenantDigest({
    tenantId: tenant.id,
    tenantName: tenant.name,
    runDate: run.runDate,
    night,
    ...(previousNight ? { previousNight } : {}),
    actionsByUser,
    billers: settings.billers,
    health: {
      status: run.status,
      claimsAged: night.claimsAged,
      ...(run.completedAt ? { durationSeconds: Math.max(0, Math.round((Date.parse(run.completedAt) - Date.parse(run.startedAt)) / 1000)) } : {}),
      shardRetries: run.counts.shardRetries ?? 0,
      refusedEvents: refusedBefore + refusedOn,
      deadLetters,
    },
    kpis: kpisOn(run.runDate, night.ar.totalCents, kpiDays),
    remittances,
    ...(statusInquiries ? { statusInquiries } : {}),
  });
};

/** The biller's due work, read from their index and their teams' (page by page), or undefined when none is due. */
const reminderFor = async (deps: NotificationDeps, tenantId: string, biller: BillerContact, today: CalendarDate) => {
  const tally = new ReminderTally(today);
  for (const assignee of [`biller:${biller.userId}`, ...biller.teams.map((t) => `team:${t}`)]) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await deps.workItems.pageAssignee(tenantId, assignee, 500, cursor);
      for (const item of page.items) tally.add(item);
      logger.debug('reminder work page read', { tenantId, assignee: assignee.startsWith('team:') ? 'team' : 'biller', items: page.items.length, more: page.cursor !== undefined });
      cursor = page.cursor;
    } while (cursor);
  }
  return tally.reminder();
};

/**
 * Reads the tenant's alerts, records each change of state (one worker wins each change) and emails every change
 * not yet notified, including one a crash left unsent.
 */
const raiseAlerts = async (deps: NotificationDeps, tenant: TenantConfig, settings: TenantSettings, seen: AlertObservation): Promise<boolean> => {
  const stored = await deps.alerts.all(tenant.id);
  const states: Partial<Record<AlertKind, AlertStanding>> = Object.fromEntries(
    [...stored].map(([kind, alert]) => [kind, { state: alert.state, asOf: alert.reading.asOf }]),
  );
  for (const reading of alertChanges(states, readAlerts(settings.alerts, seen))) {
    const previous = stored.get(reading.kind);
    const at = deps.now();
    if (await deps.alerts.change(tenant.id, reading, previous, at)) {
      stored.set(reading.kind, { kind: reading.kind, state: reading.crossed ? 'crossed' : 'clear', change: (previous?.change ?? 0) + 1, notifiedChange: previous?.notifiedChange ?? 0, reading, changedAt: at });
    }
  }
  let retry = false;
  const recipients = managerRecipients(settings, tenant);
  for (const alert of stored.values()) {
    if (alert.notifiedChange >= alert.change) continue;
    const mail = alertEmail(alert.reading, tenant, deps.appBaseUrl);
    const kind = `alert-${alert.kind}-${alert.state === 'crossed' ? 'crossed' : 'cleared'}`;
    const outcomes = await deliverAll(deps, recipients.map((to) => ({ from: practiceSender(deps, tenant), tenantId: tenant.id, occasion: `alert:${alert.kind}:${alert.change}`, kind, to, email: mail })));
    if (outcomes.includes('retry')) retry = true;
    else await deps.alerts.notified(tenant.id, alert.kind, alert.change);
    deps.log.info('alert', { tenantId: tenant.id, alert: alert.kind, state: alert.state, change: alert.change });
  }
  return retry;
};

const total = (deadLetters: RunHealth['deadLetters']): number => deadLetters.reduce((s, q) => s + q.messages, 0);

/**
 * A manager of several practices gets one more digest across them, once the last of their practices has completed
 * the same run date. The send is recorded under the first of those practices, so two practices completing at once
 * still send it once.
 */
const portfolioDigests = async (deps: NotificationDeps, night: TenantDigest, recipients: readonly string[], deadLetters: RunHealth['deadLetters']): Promise<Outcome[]> => {
  const { runDate } = night;
  const tenants = [...deps.tenants.values()].sort((a, b) => a.id.localeCompare(b.id));
  const settingsOf = new Map(await Promise.all(tenants.map(async (t) => [t.id, await deps.settings.get(t.id)] as const)));
  // Each practice's digest is read once, however many managers share it; this night's is already built.
  const digests = new Map<string, Promise<TenantDigest | undefined>>([[night.tenantId, Promise.resolve(night)]]);
  const digestOf = (tenant: TenantConfig): Promise<TenantDigest | undefined> => {
    if (!digests.has(tenant.id)) {
      digests.set(tenant.id, deps.runs.get(tenant.id, runDate).then((run) => (run?.status === 'complete' ? buildDigest(deps, tenant, settingsOf.get(tenant.id)!, run, deadLetters) : undefined)));
    }
    return digests.get(tenant.id)!;
  };
  const outcomes: Outcome[] = [];
  for (const to of recipients) {
    const theirs = tenants.filter((t) => managerRecipients(settingsOf.get(t.id)!, t).includes(to));
    if (theirs.length < 2) continue;
    const all = await Promise.all(theirs.map(digestOf));
    if (all.some((d) => d === undefined)) continue;
    const mail = portfolioDigestEmail(all as TenantDigest[], runDate, deps.appBaseUrl);
    outcomes.push(await deliver(deps, { from: deps.sender, tenantId: theirs[0]!.id, occasion: runDate, kind: 'portfolio-digest', to, email: mail }));
  }
  return outcomes;
};

/** A night completed: the digest, the portfolio digests, the reminders, and the alerts it decides. */
export const onRunComplete = async (deps: NotificationDeps, tenantId: string, runDate: CalendarDate): Promise<void> => {
  const tenant = deps.tenants.get(tenantId);
  if (!tenant) throw new Error('the run-complete message names a tenant this deployment does not serve');
  const run = await deps.runs.get(tenantId, runDate);
  if (!run) throw new Error('no run record for the run-complete message');
  if (run.status !== 'complete') {
    // A re-run of the date started since: it sends its own message when it completes.
    deps.log.info('run no longer complete; nothing sent', { tenantId, runDate });
    return;
  }
  const settings = await deps.settings.get(tenantId);
  const deadLetters = await deps.deadLetters();
  const digest = await buildDigest(deps, tenant, settings, run, deadLetters);
  const recipients = managerRecipients(settings, tenant);
  const occasion = occasionOf(run);
  const digestMail = managerDigestEmail(digest, deps.appBaseUrl);
  logger.debug('night emails planned', { tenantId, attempt: run.attempt, managers: recipients.length, billers: settings.billers.length });
  const outcomes = await deliverAll(deps, recipients.map((to) => ({ from: practiceSender(deps, tenant), tenantId, occasion, kind: 'digest', to, email: digestMail })));
  // The run record keeps the digest's status checks (GET /runs/{date}); a failure only leaves them off it.
  if (digest.statusInquiries) {
    await deps.runs.saveStatusInquiryFigures(tenantId, runDate, run.attempt, digest.statusInquiries).catch((error: Error) => {
      deps.log.warn('status-check figures not kept on the run record', { tenantId, error: error.name });
    });
  }

  // One message per biller: each reminder is its own small unit of work, retried on its own; and the night's 276
  // status inquiries, when a payer answers them (done once per night, however often this message comes).
  await deps.enqueue([
    ...settings.billers.map((biller) => ({ kind: 'reminder' as const, tenantId, runDate, userId: biller.userId })),
    ...(settings.statusInquiries.some((s) => s.enabled) ? [{ kind: 'status-inquiries' as const, tenantId, runDate }] : []),
  ]);
  outcomes.push(...(await portfolioDigests(deps, digest, recipients, deadLetters)));

  const today = localDateAt(deps.now(), tenant.timeZone);
  const retryAlerts = await raiseAlerts(deps, tenant, settings, {
    asOf: runDate,
    percentArOver90: digest.night.ar.percentOver90,
    timelyFilingRiskCents: digest.night.timelyFilingRisk.cents,
    deadLetterMessages: total(deadLetters),
    // Only tonight's run decides whether tonight's run is late.
    ...(runDate === today ? { run: { complete: true, localTime: localTimeAt(deps.now(), tenant.timeZone) } } : {}),
  });
  deps.log.info('night emails', { tenantId, runDate, sent: outcomes.filter((o) => o === 'sent').length, refused: outcomes.filter((o) => o === 'refused').length, reminders: settings.billers.length });
  if (retryAlerts || outcomes.includes('retry')) throw new RetryLaterError('some emails hit a passing fault; the message will be retried');
};

/** A biller's reminder of a night: their due work as it stands now, if any. */
export const onReminder = async (deps: NotificationDeps, tenantId: string, runDate: CalendarDate, userId: string): Promise<void> => {
  const tenant = deps.tenants.get(tenantId);
  if (!tenant) throw new Error('the reminder message names a tenant this deployment does not serve');
  const [run, settings] = await Promise.all([deps.runs.get(tenantId, runDate), deps.settings.get(tenantId)]);
  const biller = settings.billers.find((b) => b.userId === userId);
  // Taken off the list since the night, or the night is being re-run (its own reminders follow): nothing to send.
  if (!biller || run?.status !== 'complete') return;
  const reminder = await reminderFor(deps, tenantId, biller, runDate);
  if (!reminder) return;
  const occasion = occasionOf(run);
  const mail = billerReminderEmail(reminder, { tenantId, tenantName: tenant.name, runDate, teams: biller.teams }, deps.appBaseUrl);
  if ((await deliver(deps, { from: practiceSender(deps, tenant), tenantId, occasion, kind: 'reminder', to: biller.email, email: mail })) === 'retry') {
    throw new RetryLaterError('the reminder hit a passing fault; the message will be retried');
  }
};

/**
 * An X12 file held batch-level rejections (277CA at batch level, 999 rejections of 837 batches): the tenant's managers
 * get one alert per file, whatever redeliveries or retries of the file send this message again.
 */
export const onBatchRejected = async (deps: NotificationDeps, message: Extract<NotificationMessage, { kind: 'batch-rejected' }>): Promise<void> => {
  const tenant = deps.tenants.get(message.tenantId);
  if (!tenant) throw new Error('the batch-rejected message names a tenant this deployment does not serve');
  const settings = await deps.settings.get(tenant.id);
  const mail = batchRejectedEmail(message, tenant, deps.appBaseUrl);
  const outcomes = await deliverAll(
    deps,
    managerRecipients(settings, tenant).map((to) => ({ from: practiceSender(deps, tenant), tenantId: tenant.id, occasion: `batch-rejected:${message.fileSha256}`, kind: 'alert-batch-rejected', to, email: mail })),
  );
  deps.log.info('batch-rejected alert', { tenantId: tenant.id, batchStatuses: message.batchStatuses, rejectedSets: message.rejectedSets, sent: outcomes.filter((o) => o === 'sent').length });
  if (outcomes.includes('retry')) throw new RetryLaterError('some alert emails hit a passing fault; the message will be retried');
};

/** The watch schedule: for every tenant, is tonight's run late, and is anything in a dead-letter queue? */
export const onWatch = async (deps: NotificationDeps, at: string): Promise<void> => {
  let deadLetters: number | undefined;
  let retry = false;
  for (const tenant of deps.tenants.values()) {
    const settings = await deps.settings.get(tenant.id);
    const { runCompleteBy, deadLettersNotEmpty } = settings.alerts;
    if (!runCompleteBy && !deadLettersNotEmpty) continue;
    const today = localDateAt(at, tenant.timeZone);
    if (deadLettersNotEmpty && deadLetters === undefined) deadLetters = total(await deps.deadLetters());
    const run = runCompleteBy ? await deps.runs.get(tenant.id, today) : undefined;
    const seen: AlertObservation = {
      asOf: today,
      ...(deadLettersNotEmpty ? { deadLetterMessages: deadLetters } : {}),
      ...(runCompleteBy ? { run: { complete: run?.status === 'complete', localTime: localTimeAt(at, tenant.timeZone) } } : {}),
    };
    if (await raiseAlerts(deps, tenant, settings, seen)) retry = true;
  }
  if (retry) throw new RetryLaterError('some alert emails hit a passing fault; the message will be retried');
};
