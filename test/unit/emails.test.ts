// Each email rendered from fixed data: its content, and both its parts (HTML with no script or image, plain text).
import { describe, expect, it } from 'vitest';
import { readAlerts, alertThresholds } from '../../functions/domain/alerts.js';
import { statusInquiryFigures, type WorkRoute } from '../../functions/domain/digest.js';
import { summarizeNight } from '../../functions/domain/night-summary.js';
import { alertEmail } from '../../functions/notify/alert-email.js';
import { managerDigestEmail, portfolioDigestEmail } from '../../functions/notify/digest-email.js';
import { apiLinksNote, type Email } from '../../functions/notify/html.js';
import { billerReminderEmail } from '../../functions/notify/reminder-email.js';
import { fixedDigest } from './digest-fixture.js';

const base = 'https://followup.example.com/';
const bounds = [30, 60, 90, 120];

const expectBothParts = (email: Email): void => {
  expect(email.subject.length).toBeGreaterThan(10);
  expect(email.html).toMatch(/^<!doctype html>/);
  expect(email.html).not.toMatch(/<script|<img|<link|<iframe|url\(|src=/i);
  expect(email.text.length).toBeGreaterThan(50);
  expect(email.text).not.toMatch(/<\/?(html|body|table|tr|td|th|p|a|h1|h2|div|span|br)\b/i);
};

describe('the manager digest', () => {
  const email = managerDigestEmail(fixedDigest(), base);

  it('has an HTML and a plain-text part', () => {
    expectBothParts(email);
    expect(email.subject).toBe('Follow-up digest: Lakeside Family Practice, 2026-11-24');
  });

  it('gives AR, % over 90 and its change, timely-filing risk and new denials up front', () => {
    for (const part of [email.html, email.text]) {
      expect(part).toContain('$1,234,568');
      expect(part).toContain('34.2%');
      expect(part).toContain('up 1.3 points since the previous night');
      expect(part).toContain('$18,751');
      expect(part).toContain('9 claims');
    }
  });

  it('gives Days in AR, denial rate and net collection rate with their basis, n/a when nothing fell in a window', () => {
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Days in AR');
      expect(part).toContain('41.2');
      expect(part).toContain('8.0%');
      expect(part).toMatch(/Net collection rate[\s\S]*n\/a/);
      expect(part).toContain('90 days by date of service');
    }
  });

  it('shows AR by bucket and by payer as a bar chart and a table, the largest bar full width', () => {
    expect(email.html.match(/data-chart="bars"/g)).toHaveLength(2);
    expect(email.html).toContain('data-bar="0-30 days" style="background-color:#2f6fb3;width:100%');
    expect(email.html).toContain('data-bar="31-60 days" style="background-color:#2f6fb3;width:63%');
    expect(email.text).toMatch(/0-30 days +#{30} +\$400,000/);
    expect(email.text).toMatch(/120\+ days +\$200,000 +16\.2%/);
    // Eight payers by name, the rest summed; names escaped in HTML.
    expect(email.text).toMatch(/All other payers +\$34,568/);
    expect(email.text).not.toContain('Molina');
    expect(email.html).toContain('Blue Cross &lt;Blue&gt; &amp; Shield');
    expect(email.html).not.toContain('<Blue>');
  });

  it('lists denials by category, backlog per queue and per biller, work done and run health', () => {
    expect(email.text).toMatch(/Authorization +4 +\$4,800/);
    expect(email.text).toMatch(/Coding +3 +\$1,200/);
    // The overdue column counts as the reminder and GET /queues do (issue 13 item 3).
    expect(email.text).toMatch(/No response +120 \(17 overdue\) +\$98,000/);
    expect(email.text).toMatch(/Credit balances +0 +\$0/);
    expect(email.text).toMatch(/Unassigned pool +71 +\$32,000/);
    expect(email.text).toMatch(/Ana Ruiz +60 +\$70,000/);
    expect(email.text).toMatch(/Team front-end +30/);
    expect(email.text).toMatch(/Ana Ruiz +37\n/);
    expect(email.text).toMatch(/u-2 +12\n/);
    expect(email.text).toMatch(/Duration +4 min 12 s/);
    expect(email.text).toMatch(/Shard retries +1/);
    expect(email.text).toMatch(/Claim events refused +2/);
    expect(email.text).toMatch(/Dead-letter messages +2 \(ingest: 2\)/);
  });

  it('links to the work queues and the aging report of the tenant', () => {
    expect(email.text).toContain('https://followup.example.com/queues?tenant=lakeside');
    expect(email.html).toContain('href="https://followup.example.com/reports/aging?tenant=lakeside&amp;groupBy=payer"');
  });

  it('says so when there is no previous night, and when nothing happened', () => {
    const first = managerDigestEmail(fixedDigest({ previousNight: undefined, actionsByUser: {} }), base);
    expect(first.text).toContain('no previous night to compare');
    expect(first.text).toContain('No actions were recorded.');
  });
});

describe('the digest\'s automatic status checks', () => {
  // The window: the previous night completed at 06:00Z on the 23rd, this one at 06:00Z on the 24th.
  const since = '2026-11-23T06:00:00.000Z';
  const through = '2026-11-24T06:00:00.000Z';
  const batches = [
    // Written after the night before the previous one: before the window, so not "sent" here; two of its answers
    // came in the window (C1, C2), one before it (C0).
    {
      createdAt: '2026-11-22T06:05:00.000Z',
      claimCount: 4,
      answers: [
        { claimId: 'C0', queue: 'no-response' as const, at: '2026-11-23T05:00:00.000Z' },
        { claimId: 'C1', queue: 'no-response' as const, at: '2026-11-23T15:00:00.000Z' },
        { claimId: 'C2', queue: 'no-response' as const, at: '2026-11-23T15:00:00.000Z' },
      ],
    },
    // Written after the previous night (in the window): 3 claims to one receiver, 2 to another, so 2 files, 5 claims.
    {
      createdAt: '2026-11-23T06:05:00.000Z',
      claimCount: 3,
      answers: [
        // C3 was pended at the payer with no open work: answered pended again, still no open work: not moved.
        { claimId: 'C3', at: '2026-11-23T20:00:00.000Z' },
        // C4 was in denials when asked and still is: not moved.
        { claimId: 'C4', queue: 'denials' as const, at: '2026-11-23T20:00:00.000Z' },
        // C1 asked again and answered again (an answer to each trace): counted twice as an answer, once as a claim.
        { claimId: 'C1', queue: 'no-response' as const, at: '2026-11-23T21:00:00.000Z' },
      ],
    },
    { createdAt: '2026-11-23T06:05:01.000Z', claimCount: 2, answers: [{ claimId: 'C5', queue: 'no-response' as const, at: '2026-11-24T05:59:59.000Z' }] },
    // Written after tonight's night (after its completion): next digest's.
    { createdAt: '2026-11-24T06:10:00.000Z', claimCount: 9, answers: [{ claimId: 'C6', queue: 'no-response' as const, at: '2026-11-24T07:00:00.000Z' }] },
  ];
  // After tonight: C1 paid (no open work), C2 not found (rejections), C3 still pended, C4 still in denials, C5 denied.
  const now: Record<string, WorkRoute> = { C0: 'no-open-work', C1: 'no-open-work', C2: 'rejections', C3: 'no-open-work', C4: 'denials', C5: 'denials', C6: 'no-open-work' };
  const figures = statusInquiryFigures(since, through, batches, (id) => now[id] ?? 'no-response');

  it('counts the files and claims sent, the answers received and the claims moved in the window, worked by hand', () => {
    // Sent: the two batches written in the window: 3 + 2 = 5 claims in 2 files.
    // Answered: C1, C2 (first batch), C3, C4, C1 (second), C5 (third) = 6 answers; C0 before and C6 after the window.
    // Moved: distinct claims C1, C2, C3, C4, C5; from where they were when asked to now: C1 no-response -> no open work,
    // C2 no-response -> rejections, C5 no-response -> denials: 3 moved; C3 (none -> none) and C4 (denials -> denials) not.
    expect(figures).toEqual({
      since,
      through,
      sent: { files: 2, claims: 5 },
      answered: 6,
      moved: 3,
      movedTo: [
        { to: 'denials', claims: 1 },
        { to: 'no-open-work', claims: 1 },
        { to: 'rejections', claims: 1 },
      ],
    });
  });

  it('shows them in the manager digest, and says so when nothing was asked or answered', () => {
    const email = managerDigestEmail(fixedDigest({ statusInquiries: figures }), base);
    expectBothParts(email);
    expect(email.text).toContain('Automatic status checks since the previous digest');
    expect(email.text).toContain('Claims asked (276): 5 (2 files)');
    expect(email.text).toContain('Answers received (277): 6 (claim statuses)');
    expect(email.text).toContain('Claims moved: 3 (no longer where they were when asked)');
    expect(email.html).toContain('Claims moved');
    expect(email.text).toMatch(/No open work \(paid, pended at the payer, or closed\) +1/);
    expect(email.text).toMatch(/Rejections +1/);
    expect(email.text).not.toMatch(/C[0-6]\b/);
    const quiet = managerDigestEmail(fixedDigest({ statusInquiries: statusInquiryFigures(since, through, [], () => 'no-open-work') }), base);
    expect(quiet.text).toContain('No status inquiry (276) was sent or answered since the previous digest.');
    // A practice that asks no payer gets no such section.
    expect(managerDigestEmail(fixedDigest(), base).text).not.toContain('status inquiry');
  });
});

describe('the digest across practices', () => {
  const other = fixedDigest({ tenantId: 'summit', tenantName: 'Summit Orthopedics', night: summarizeNight({ 'ar:total': 1_000_000, 'ar:over90': 500_000, 'risk:timely-filing': 0 }, bounds), previousNight: undefined });
  const email = portfolioDigestEmail([fixedDigest(), other], '2026-11-24', base);

  it('has both parts, a row per practice and the totals', () => {
    expectBothParts(email);
    expect(email.subject).toBe('Follow-up digest: 2 practices, 2026-11-24');
    expect(email.text).toContain('AR outstanding: $1,244,568 (2 practices)');
    expect(email.text).toMatch(/Lakeside Family Practice +\$1,234,568 +34\.2% +\+1\.3 +\$18,751 +7 +161/);
    expect(email.text).toMatch(/Summit Orthopedics +\$10,000 +50\.0% +n\/a +\$0 +0 +0/);
    expect(email.text).toContain('https://followup.example.com/queues?tenant=summit');
    expect(email.html.match(/data-chart="bars"/g)).toHaveLength(2);
  });
});

describe('the biller reminder', () => {
  const email = billerReminderEmail(
    {
      count: 12,
      cents: 1_234_500,
      byQueue: [
        { queue: 'rejections', count: 2, cents: 34_500 },
        { queue: 'denials', count: 10, cents: 1_200_000 },
      ],
      nearDeadline: 3,
      overdue: 5,
      oldestOverdue: { days: 23, queue: 'denials', cents: 250_000 },
    },
    { tenantId: 'lakeside', tenantName: 'Lakeside Family Practice', runDate: '2026-11-24', teams: ['front-end'] },
    base,
  );

  it('has both parts with counts and dollars per queue, deadlines, the oldest overdue and a link to the queue', () => {
    expectBothParts(email);
    expect(email.subject).toBe('Your follow-up work: 12 due at Lakeside Family Practice');
    expect(email.text).toContain('12 items are due, worth $12,345, including the work of team front-end.');
    expect(email.text).toContain('Deadline within 14 days: 3');
    expect(email.text).toContain('Overdue: 5 (follow-up date or deadline lead time passed, no action since)');
    expect(email.text).toMatch(/Rejections +2 +\$345\n/);
    expect(email.text).toMatch(/Denials +10 +\$12,000\n/);
    // Money one way in every email (it read "$2,500.00" here, "$12,345" a line above).
    expect(email.text).toContain('Oldest overdue: waiting 23 days, in Denials, for $2,500.');
    expect(email.text).toContain('https://followup.example.com/work-items?tenant=lakeside&assignee=me');
    expect(email.html).toContain('href="https://followup.example.com/work-items?tenant=lakeside&amp;assignee=me"');
  });
});

describe('alerts', () => {
  const thresholds = alertThresholds.parse({ percentArOver90Above: 30 });
  const [crossed] = readAlerts(thresholds, { asOf: '2026-11-24', percentArOver90: 34.2 });
  const [cleared] = readAlerts(thresholds, { asOf: '2026-11-25', percentArOver90: 28 });

  it('says what crossed, the figure and the threshold, and that the next email comes when it clears', () => {
    const email = alertEmail(crossed!, { id: 'lakeside', name: 'Lakeside Family Practice' }, base);
    expectBothParts(email);
    expect(email.subject).toBe('Alert: AR over 90 days is above your threshold (Lakeside Family Practice)');
    expect(email.text).toContain('Share of AR older than 90 days: 34.2%');
    expect(email.text).toContain('Threshold: 30.0%');
    expect(email.text).toContain('not every night while it stays crossed');
  });

  it('says when it cleared', () => {
    const email = alertEmail(cleared!, { id: 'lakeside', name: 'Lakeside Family Practice' }, base);
    expectBothParts(email);
    expect(email.subject).toBe('Cleared: AR over 90 days is back under your threshold (Lakeside Family Practice)');
    expect(email.text).toContain('Share of AR older than 90 days: 28.0%');
  });
});

describe('every email', () => {
  const other = fixedDigest({ tenantId: 'summit', tenantName: 'Summit Orthopedics' });
  const thresholds = alertThresholds.parse({ timelyFilingRiskCentsAbove: 500_000 });
  const [risk] = readAlerts(thresholds, { asOf: '2026-11-24', timelyFilingRiskCents: 1_875_050 });
  const reminder = billerReminderEmail(
    { count: 1, cents: 123_456, byQueue: [{ queue: 'denials', count: 1, cents: 123_456 }], nearDeadline: 0, overdue: 1, oldestOverdue: { days: 3, queue: 'denials', cents: 123_456 } },
    { tenantId: 'lakeside', tenantName: 'Lakeside Family Practice', runDate: '2026-11-24', teams: [] },
    base,
  );
  const emails: Record<string, Email> = {
    digest: managerDigestEmail(fixedDigest(), base),
    portfolio: portfolioDigestEmail([fixedDigest(), other], '2026-11-24', base),
    reminder,
    alert: alertEmail(risk!, { id: 'lakeside', name: 'Lakeside Family Practice' }, base),
  };

  it.each(Object.keys(emails))('%s: formats money one way, whole dollars with thousands separators', (name) => {
    const { html, text } = emails[name]!;
    const amounts = [...text.matchAll(/-?\$[\d,.]+\d/g), ...html.matchAll(/-?\$[\d,.]+\d/g)].map((m) => m[0]);
    expect(amounts.length).toBeGreaterThan(0);
    for (const amount of amounts) expect(amount).toMatch(/^-?\$\d{1,3}(,\d{3})*$/);
  });

  it('formats the same cents the same in a reminder, an alert and a digest', () => {
    expect(emails.reminder!.text).toContain('$1,235');
    expect(emails.alert!.text).toContain('Dollars within 14 days of a timely-filing deadline: $18,751');
    expect(emails.digest!.text).toContain('Timely-filing risk (14 days): $18,751');
  });

  it.each(Object.keys(emails))('%s: links into the system at its base URL, and says in one line what the links need', (name) => {
    const { html, text } = emails[name]!;
    expect(text).toMatch(/: https:\/\/followup\.example\.com\/(queues|work-items|reports\/aging)\?tenant=/);
    expect(text).toContain(apiLinksNote);
    expect(html).toContain('Bearer header');
    expect(apiLinksNote).toMatch(/API.*token.*Bearer/);
  });

  it('says "practices" in the footer of the digest across practices, "the practice" in one practice\'s', () => {
    expect(emails.portfolio!.text).toContain('as a manager of these practices in claim-followup');
    expect(emails.portfolio!.html).toContain('as a manager of these practices in claim-followup');
    expect(emails.digest!.text).toContain('as a manager of the practice in claim-followup');
  });
});
