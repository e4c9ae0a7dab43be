// Not a Lambda: the composition root of the notification handler (and of the tests that drive its services):
// the stores over one table, and what the caller brings.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotificationDeps } from '../services/notifications.js';
import type { StatusInquiryDeps } from '../services/status-inquiries.js';
import { AlertStateStore } from '../store/alert-state-store.js';
import { ClaimStore } from '../store/claim-store.js';
import { HistoryStore } from '../store/history-store.js';
import { KpiStore } from '../store/kpi-store.js';
import { RejectedEventStore } from '../store/rejected-event-store.js';
import { RunStore } from '../store/run-store.js';
import { SentEmailStore } from '../store/sent-email-store.js';
import { StatusInquiryStore } from '../store/status-inquiry-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { WorkItemStore } from '../store/work-item-store.js';
import { X12FileStore } from '../store/x12-file-store.js';

/** The stores over one table, and what the caller brings: tenants, dead-letter depth, the sender, the clock. */
export const notificationDeps = (
  client: DynamoDBDocumentClient,
  tableName: string,
  rest: Pick<NotificationDeps, 'tenants' | 'deadLetters' | 'enqueue' | 'send' | 'sender' | 'appBaseUrl' | 'now' | 'log'>,
): NotificationDeps => ({
  runs: new RunStore(client, tableName),
  sent: new SentEmailStore(client, tableName),
  settings: new TenantSettingsStore(client, tableName),
  workItems: new WorkItemStore(client, tableName),
  history: new HistoryStore(client, tableName),
  alerts: new AlertStateStore(client, tableName),
  rejected: new RejectedEventStore(client, tableName),
  kpis: new KpiStore(client, tableName),
  files: new X12FileStore(client, tableName),
  inquiries: new StatusInquiryStore(client, tableName),
  // Read only (whether an unmatched remittance's claim arrived): the shard count matters only to claim writes.
  claims: new ClaimStore(client, tableName, 1),
  ...rest,
});

/** The stores the night's 276 status inquiries use, over the same table; the bucket and the rest from the caller. */
export const statusInquiryDeps = (
  client: DynamoDBDocumentClient,
  tableName: string,
  rest: Pick<StatusInquiryDeps, 'bucket' | 'tenants' | 'usage' | 'now'>,
): StatusInquiryDeps => ({
  runs: new RunStore(client, tableName),
  // Reads only: the shard count matters to claim writes alone.
  claims: new ClaimStore(client, tableName, 1),
  workItems: new WorkItemStore(client, tableName),
  settings: new TenantSettingsStore(client, tableName),
  inquiries: new StatusInquiryStore(client, tableName),
  ...rest,
});
