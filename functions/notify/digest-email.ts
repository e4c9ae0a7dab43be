// The managers' digest after a night, for one practice and across the practices of a manager of several.
// Counts, dollars, buckets, payer and biller names, links: never a patient or claim identifier.
import { categoryTitles } from '../domain/denials.js';
import { portfolioTotals, type TenantDigest } from '../domain/digest.js';
import { timelyFilingRiskDays } from '../domain/night-summary.js';
import { queueTitles } from '../domain/tenant-settings.js';
import { appLink, barChart, email, figures, heading, links, money, paragraph, splitTable, table, warnColor, type Email, type Section } from './html.js';

/** Payers shown by name in the chart; the rest are summed as "All other payers". */
export const payersShown = 8;

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const share = (part: number, total: number): string => (total === 0 ? '0.0%' : `${((part / total) * 100).toFixed(1)}%`);

const change = (points: number | undefined): string =>
  points === undefined ? 'no previous night to compare' : points === 0 ? 'unchanged since the previous night' : `${points > 0 ? 'up' : 'down'} ${Math.abs(points).toFixed(1)} points since the previous night`;

const duration = (seconds: number | undefined): string => {
  if (seconds === undefined) return 'still running';
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} min ${seconds % 60} s` : `${seconds} s`;
};

const headline = (d: TenantDigest): Section => {
  const { ar, timelyFilingRisk, newDenials } = d.night;
  const denials = newDenials.reduce((s, r) => s + r.count, 0);
  return figures([
    { label: 'AR outstanding', value: money(ar.totalCents), note: count(ar.claims, 'claim') },
    { label: '% AR over 90 days', value: `${ar.percentOver90.toFixed(1)}%`, note: change(d.percentOver90Change), warn: (d.percentOver90Change ?? 0) > 0 },
    { label: `Timely-filing risk (${timelyFilingRiskDays} days)`, value: money(timelyFilingRisk.cents), note: count(timelyFilingRisk.claims, 'claim'), warn: timelyFilingRisk.cents > 0 },
    { label: 'New denials', value: denials.toLocaleString('en-US'), note: money(newDenials.reduce((s, r) => s + r.cents, 0)) },
  ]);
};

/** Days in AR, denial rate and net collection rate, each with what it is computed from (README: manager figures). */
const kpiFigures = (d: TenantDigest): Section[] => {
  if (!d.kpis) return [];
  const { daysInAr, denialRatePercent, netCollectionRatePercent } = d.kpis;
  const shown = (value: number | null, unit: string): string => (value === null ? 'n/a' : `${value.toFixed(1)}${unit}`);
  return [
    figures([
      { label: 'Days in AR', value: shown(daysInAr, ''), note: 'open AR / average daily charges, 90 days by date of service' },
      { label: 'Denial rate', value: shown(denialRatePercent, '%'), note: 'first adjudications that were denials, 30 days' },
      { label: 'Net collection rate', value: shown(netCollectionRatePercent, '%'), note: 'payments / (charges − reductions), 90 days' },
    ]),
  ];
};

const arByBucket = (d: TenantDigest): Section[] => {
  const { ar } = d.night;
  return [
    heading('AR by aging bucket (days since date of service)'),
    barChart(ar.byBucket.map((row) => ({ label: `${row.bucket} days`, value: row.cents, shown: money(row.cents) }))),
    table(['Bucket', 'Dollars', 'Share'], ar.byBucket.map((row) => [`${row.bucket} days`, money(row.cents), share(row.cents, ar.totalCents)])),
  ];
};

const arByPayer = (d: TenantDigest): Section[] => {
  const { ar } = d.night;
  const top = ar.byPayer.slice(0, payersShown);
  const rest = ar.byPayer.slice(payersShown).reduce((s, r) => s + r.cents, 0);
  const rows = [...top.map((r) => ({ label: r.payer, cents: r.cents })), ...(rest > 0 ? [{ label: 'All other payers', cents: rest }] : [])];
  return [
    heading('AR by payer'),
    barChart(rows.map((r) => ({ label: r.label, value: r.cents, shown: money(r.cents) }))),
    table(['Payer', 'Dollars', 'Share'], rows.map((r) => [r.label, money(r.cents), share(r.cents, ar.totalCents)]), 'No AR outstanding.'),
  ];
};

const work = (d: TenantDigest): Section[] => [
  heading('Denials opened since the previous night'),
  table(['Category', 'Claims', 'Dollars'], d.night.newDenials.map((r) => [categoryTitles[r.category], r.count.toLocaleString('en-US'), money(r.cents)]), 'No new denials.'),
  heading('Backlog per queue'),
  // Overdue as the reminder and GET /queues count it: a follow-up date or deadline lead time passed, no action since.
  // (Three columns, to fit a phone: the overdue count rides with the items.)
  table(['Queue', 'Items', 'Dollars'], d.night.backlogByQueue.map((r) => [queueTitles[r.queue], r.overdue ? `${r.count.toLocaleString('en-US')} (${r.overdue.toLocaleString('en-US')} overdue)` : r.count.toLocaleString('en-US'), money(r.cents)])),
  heading('Backlog per biller'),
  table(['Assigned to', 'Items', 'Dollars'], d.backlogByAssignee.map((r) => [r.name, r.count.toLocaleString('en-US'), money(r.cents)]), 'No open work.'),
  heading('Work done the day before'),
  table(['Biller', 'Actions'], d.workDone.map((r) => [r.name, r.actions.toLocaleString('en-US')]), 'No actions were recorded.'),
];

/** The X12 remittances received since the previous digest (README: X12 files); nothing for a practice that sends none. */
const remittances = (d: TenantDigest): Section[] => {
  const r = d.remittances;
  if (!r) return [];
  if (r.count === 0) return [heading('Remittances received'), paragraph('No remittance (835) was received since the previous digest.')];
  return [
    heading('Remittances received since the previous digest'),
    figures([
      { label: 'Remittances (835)', value: r.count.toLocaleString('en-US') },
      { label: 'Dollars applied', value: money(r.cents) },
      { label: 'Unmatched', value: r.unmatched.toLocaleString('en-US'), note: r.unmatched === 1 ? 'claim line' : 'claim lines', warn: r.unmatched > 0 },
      { label: 'Refused', value: r.refused.toLocaleString('en-US'), note: r.refused === 1 ? 'remittance' : 'remittances', warn: r.refused > 0 },
    ]),
    ...(r.unmatched > 0 ? [paragraph(`Unmatched lines paid claims this practice does not hold; they wait in the ${queueTitles['unmatched-remittance']} queue.`)] : []),
    ...(r.refused > 0 ? [paragraph('A refused remittance was applied to no claim: its file report says why (GET /files).')] : []),
  ];
};

/** What "moved" means, in the email's words (domain/digest.ts `StatusInquiryFigures` defines it). */
export const noOpenWorkTitle = 'No open work (paid, pended at the payer, or closed)';

/** The automatic status checks since the previous digest (README: Automatic status checks); nothing for a practice that asks none. */
const statusChecks = (d: TenantDigest): Section[] => {
  const q = d.statusInquiries;
  if (!q) return [];
  if (q.sent.claims === 0 && q.answered === 0) return [heading('Automatic status checks'), paragraph('No status inquiry (276) was sent or answered since the previous digest.')];
  return [
    heading('Automatic status checks since the previous digest'),
    figures([
      { label: 'Claims asked (276)', value: q.sent.claims.toLocaleString('en-US'), note: count(q.sent.files, 'file') },
      { label: 'Answers received (277)', value: q.answered.toLocaleString('en-US'), note: q.answered === 1 ? 'claim status' : 'claim statuses' },
      { label: 'Claims moved', value: q.moved.toLocaleString('en-US'), note: 'no longer where they were when asked' },
    ]),
    table(['Moved to', 'Claims'], q.movedTo.map((r) => [r.to === 'no-open-work' ? noOpenWorkTitle : queueTitles[r.to], r.claims.toLocaleString('en-US')]), 'No claim moved.'),
  ];
};

const health = (d: TenantDigest): Section[] => {
  const h = d.health;
  const deadLetters = h.deadLetters.reduce((s, q) => s + q.messages, 0);
  return [
    heading('Run health'),
    table(
      ['Check', 'Result'],
      [
        ['Status', h.status === 'complete' ? 'Complete' : 'Running'],
        ['Claims aged', h.claimsAged.toLocaleString('en-US')],
        ['Duration', duration(h.durationSeconds)],
        ['Shard retries', h.shardRetries.toLocaleString('en-US')],
        ['Claim events refused', h.refusedEvents.toLocaleString('en-US')],
        ['Dead-letter messages', deadLetters === 0 ? '0' : `${deadLetters} (${h.deadLetters.filter((q) => q.messages > 0).map((q) => `${q.queue}: ${q.messages}`).join(', ')})`],
      ],
    ),
  ];
};

const footer = (practices: 'one' | 'several'): string =>
  `You receive this digest as a manager of ${practices === 'one' ? 'the practice' : 'these practices'} in claim-followup. It holds counts and dollars only, never patient information.`;

/** One practice's digest. */
export const managerDigestEmail = (d: TenantDigest, appBaseUrl: string): Email =>
  email(
    `Follow-up digest: ${d.tenantName}, ${d.runDate}`,
    `${d.tenantName}: follow-up digest for ${d.runDate}`,
    [
      headline(d),
      ...kpiFigures(d),
      ...arByBucket(d),
      ...arByPayer(d),
      ...work(d),
      ...remittances(d),
      ...statusChecks(d),
      ...health(d),
      ...links([
        ['Open the work queues', appLink(appBaseUrl, '/queues', { tenant: d.tenantId })],
        ['Open the aging report by payer', appLink(appBaseUrl, '/reports/aging', { tenant: d.tenantId, groupBy: 'payer' })],
      ]),
    ],
    footer('one'),
  );

/** One digest across the practices of a manager of several: a row per practice, totals, links. */
export const portfolioDigestEmail = (digests: readonly TenantDigest[], runDate: string, appBaseUrl: string): Email => {
  const totals = portfolioTotals(digests);
  const rows = digests.map((d) => [
    d.tenantName,
    money(d.night.ar.totalCents),
    `${d.night.ar.percentOver90.toFixed(1)}%`,
    d.percentOver90Change === undefined ? 'n/a' : `${d.percentOver90Change > 0 ? '+' : ''}${d.percentOver90Change.toFixed(1)}`,
    money(d.night.timelyFilingRisk.cents),
    d.night.newDenials.reduce((s, r) => s + r.count, 0).toLocaleString('en-US'),
    d.night.backlogByQueue.reduce((s, r) => s + r.count, 0).toLocaleString('en-US'),
  ]);
  return email(
    `Follow-up digest: ${digests.length} practices, ${runDate}`,
    `Your practices: follow-up digest for ${runDate}`,
    [
      figures([
        { label: 'AR outstanding', value: money(totals.arCents), note: `${digests.length} practices` },
        { label: '% AR over 90 days', value: `${totals.percentOver90.toFixed(1)}%` },
        { label: `Timely-filing risk (${timelyFilingRiskDays} days)`, value: money(totals.timelyFilingRiskCents), warn: totals.timelyFilingRiskCents > 0 },
        { label: 'New denials', value: totals.newDenials.toLocaleString('en-US') },
      ]),
      heading('AR by practice'),
      barChart(digests.map((d) => ({ label: d.tenantName, value: d.night.ar.totalCents, shown: money(d.night.ar.totalCents) }))),
      heading('% AR over 90 days by practice'),
      barChart(digests.map((d) => ({ label: d.tenantName, value: d.night.ar.percentOver90, shown: `${d.night.ar.percentOver90.toFixed(1)}%` })), warnColor),
      heading('Practices'),
      // Seven columns do not fit a phone: in HTML, AR and its age in one table, deadlines and work in another.
      splitTable(['Practice', 'AR', '% > 90', 'Change (pts)', 'TF risk', 'New denials', 'Backlog'], rows, [
        [1, 2, 3],
        [4, 5, 6],
      ]),
      paragraph('Each practice also gets its own digest with the details.'),
      ...links(digests.map((d) => [`${d.tenantName}: work queues`, appLink(appBaseUrl, '/queues', { tenant: d.tenantId })] as const)),
    ],
    footer('several'),
  );
};
