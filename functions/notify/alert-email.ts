// An alert to managers: a threshold crossed, or cleared. The figure and the threshold, what to do, a link.
import { describeAlert, type AlertReading } from '../domain/alerts.js';
import { appLink, email, figures, links, paragraph, type Email } from './html.js';

export const alertEmail = (reading: AlertReading, tenant: { id: string; name: string }, appBaseUrl: string): Email => {
  const { title, what, advice } = describeAlert(reading);
  return email(
    `${reading.crossed ? 'Alert' : 'Cleared'}: ${title} (${tenant.name})`,
    `${tenant.name}: ${title}`,
    [
      figures([
        { label: what, value: reading.value, warn: reading.crossed },
        { label: 'Threshold', value: reading.threshold },
      ]),
      paragraph(reading.crossed ? `You will hear again when it clears, not every night while it stays crossed. ${advice}` : advice),
      ...links([['Open the work queues', appLink(appBaseUrl, '/queues', { tenant: tenant.id })]]),
    ],
    'You receive this alert as a manager of the practice in claim-followup; thresholds are in the practice settings.',
  );
};
