// A biller's reminder after the night: due work per queue, what is near a deadline, the oldest waiting item, and a
// link to their queue. Counts and dollars only.
import { nearDeadlineDays, type BillerReminder } from '../domain/reminder.js';
import { queueTitles } from '../domain/tenant-settings.js';
import { appLink, email, figures, heading, links, money, paragraph, table, type Email } from './html.js';

export interface ReminderContext {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly runDate: string;
  /** Teams whose work is included. */
  readonly teams: readonly string[];
}

export const billerReminderEmail = (reminder: BillerReminder, context: ReminderContext, appBaseUrl: string): Email => {
  const oldest = reminder.oldestOverdue;
  return email(
    `Your follow-up work: ${reminder.count} due at ${context.tenantName}`,
    `${context.tenantName}: your follow-up work for ${context.runDate}`,
    [
      paragraph(
        `${reminder.count} item${reminder.count === 1 ? ' is' : 's are'} due, worth ${money(reminder.cents)}` +
          (context.teams.length ? `, including the work of team ${context.teams.join(', team ')}.` : '.'),
      ),
      figures([
        { label: 'Due', value: reminder.count.toLocaleString('en-US'), note: money(reminder.cents) },
        { label: `Deadline within ${nearDeadlineDays} days`, value: reminder.nearDeadline.toLocaleString('en-US'), warn: reminder.nearDeadline > 0 },
        { label: 'Overdue', value: reminder.overdue.toLocaleString('en-US'), note: 'follow-up date or deadline lead time passed, no action since', warn: reminder.overdue > 0 },
      ]),
      heading('Due work per queue'),
      table(['Queue', 'Items', 'Dollars'], reminder.byQueue.map((row) => [queueTitles[row.queue], row.count.toLocaleString('en-US'), money(row.cents)])),
      ...(oldest
        ? [paragraph(`Oldest overdue: waiting ${oldest.days} day${oldest.days === 1 ? '' : 's'}, in ${queueTitles[oldest.queue]}, for ${money(oldest.cents)}.`)]
        : []),
      ...links([['Open your queue', appLink(appBaseUrl, '/work-items', { tenant: context.tenantId, assignee: 'me' })]]),
    ],
    'You receive this reminder as a biller in claim-followup. It holds counts and dollars only, never patient information.',
  );
};
