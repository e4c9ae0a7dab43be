// Names as billers say them (the same words as functions/domain/tenant-settings.ts `queueTitles`).
import type { QueueName } from './types.js';

export const queueTitles: Record<QueueName, string> = {
  'credit-balance': 'Credit balances',
  rejections: 'Rejections',
  denials: 'Denials',
  underpaid: 'Underpayments',
  'secondary-billing': 'Secondary billing',
  'appeal-pending': 'Appeals pending',
  'no-response': 'No response',
  'unmatched-remittance': 'Unmatched remittances',
  'write-off-approval': 'Write-off approval',
  'deadline-passed': 'Deadline passed (review)',
};

export const actionTypes = ['status-check', 'called-payer', 'corrected-claim-sent', 'appeal-filed', 'write-off-requested', 'patient-billed', 'note'] as const;
export type ActionType = (typeof actionTypes)[number];
export const actionTitles: Record<ActionType, string> = {
  'status-check': 'Status check',
  'called-payer': 'Called the payer',
  'corrected-claim-sent': 'Corrected claim sent',
  'appeal-filed': 'Appeal filed',
  'write-off-requested': 'Write-off request',
  'patient-billed': 'Billed the patient',
  note: 'Note',
};
export const appealLevels = ['redetermination', 'reconsideration', 'alj', 'council', 'court', 'first', 'second', 'external'] as const;
export const writeOffReasons = ['timely-filing', 'contractual', 'small-balance', 'non-covered', 'bad-debt', 'other'] as const;
