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

/** What a batch-rejected alert reports about one file: counts only. */
export interface BatchRejection {
  /** The file's SHA-256 (the email shows its first 12 characters; GET /files lists it whole). */
  readonly fileSha256: string;
  /** When the file arrived. */
  readonly receivedAt: string;
  /** 277CA statuses at batch level (receiver or provider HL) that reject. */
  readonly batchStatuses: number;
  /** 999 acknowledgments that reject an 837 transaction set (IK5) or a whole group (AK9). */
  readonly rejectedSets: number;
  /** Claims of those 837 sets that were put in the rejections queue (claim.rejected). */
  readonly claimsRejected: number;
}

/** The clearinghouse rejected a batch: no claim event can carry a batch-level rejection, so managers hear of it here. */
export const batchRejectedEmail = (rejection: BatchRejection, tenant: { id: string; name: string }, appBaseUrl: string): Email => {
  const file = `${rejection.fileSha256.slice(0, 12)}…`;
  return email(
    `Alert: the clearinghouse rejected a batch (${tenant.name})`,
    `${tenant.name}: a batch was rejected`,
    [
      figures([
        { label: 'Batch-level rejections (277CA)', value: rejection.batchStatuses.toLocaleString('en-US'), warn: rejection.batchStatuses > 0 },
        { label: '837 batches rejected (999)', value: rejection.rejectedSets.toLocaleString('en-US'), warn: rejection.rejectedSets > 0 },
        { label: 'Claims sent to Rejections', value: rejection.claimsRejected.toLocaleString('en-US') },
      ]),
      paragraph(
        `In the file ${file} received ${rejection.receivedAt.slice(0, 10)}. A batch-level rejection is about the whole batch (the submitter, ` +
          'the receiver or the billing provider), not one claim: fix what the file report names with the clearinghouse and send the batch again. ' +
          'Claims of a rejected 837 batch that this practice holds are in the Rejections queue.',
      ),
      ...links([
        ['Open the file reports', appLink(appBaseUrl, '/files', { tenant: tenant.id })],
        ['Open the Rejections queue', appLink(appBaseUrl, '/work-items', { tenant: tenant.id, queue: 'rejections' })],
      ]),
    ],
    'You receive this alert as a manager of the practice in claim-followup; it names files by their SHA-256, never a patient or claim.',
  );
};
