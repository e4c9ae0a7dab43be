// What every integration test needs: the emulators from the global setup, a tenant of its own, and the runtime.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { parseAppConfig, type AppConfig } from '../../functions/shared/config-schema.js';
import type { QueueKey } from '../../functions/shared/resources.js';
import { localClientConfig, type LocalStack } from '../../local/emulators.js';
import { startApiServer, stopServer } from '../../local/api-server.js';
import { demoNpi } from '../../local/demo-data.js';
import { createDevAuth, type DevAuth } from '../../local/dev-auth.js';
import { freePort } from '../../local/processes.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';

export const localStack = (): LocalStack => ({ ...inject('localStack'), stop: async () => undefined });

/** A tenant id no other test uses. */
export const uniqueTenant = (label: string): string => `it-${label}-${randomBytes(4).toString('hex')}`;

export const testConfig = (tenantIds: readonly string[], overrides: Partial<AppConfig> = {}): AppConfig =>
  parseAppConfig({
    stage: 'test',
    shardCount: 4,
    senderAddress: 'followup@test.example',
    logRetentionDays: 7,
    appBaseUrl: 'http://127.0.0.1:3000',
    tenants: tenantIds.map((id) => ({
      id,
      name: `Test practice ${id}`,
      timeZone: 'America/Chicago',
      nightlyAt: '02:00',
      managerEmails: [`manager@${id}.example`],
    })),
    ...overrides,
  });

export const documentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(localStack().endpoints.dynamodb)), {
    marshallOptions: { removeUndefinedValues: true },
  });

export const sqsClient = (): SQSClient => new SQSClient({ ...localClientConfig(localStack().endpoints.sqs), useQueueUrlAsEndpoint: false });

/** Deliveries the event sources made, per message body's eventId or message id: how often each was tried and failed. */
export interface DeliveryLog {
  readonly attempts: Map<string, number>;
  readonly failures: Map<string, number>;
}

export const startTestRuntime = async (config: AppConfig): Promise<{ runtime: Runtime; deliveries: DeliveryLog }> => {
  const deliveries: DeliveryLog = { attempts: new Map(), failures: new Map() };
  const keyOf = (body: string, messageId: string): string => {
    try {
      return (JSON.parse(body) as { eventId?: string }).eventId ?? messageId;
    } catch {
      return messageId;
    }
  };
  const runtime = await startRuntime({
    stack: localStack(),
    config,
    retryAfterSeconds: 1,
    onBatch: (_queue, { delivered, failed }) => {
      for (const record of delivered) {
        const key = keyOf(record.body, record.messageId);
        deliveries.attempts.set(key, (deliveries.attempts.get(key) ?? 0) + 1);
        if (failed.has(record.messageId)) deliveries.failures.set(key, (deliveries.failures.get(key) ?? 0) + 1);
      }
    },
  });
  return { runtime, deliveries };
};

export const sendTo = async (queue: QueueKey, body: unknown): Promise<void> => {
  const client = sqsClient();
  await client.send(
    new SendMessageCommand({ QueueUrl: localStack().queueUrls[queue], MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
  client.destroy();
};

/** Records keyed by their UTC day, read on every day from `sinceIso` to now (a test may run over midnight). */
export const readUtcDaysSince = async <T>(sinceIso: string, read: (day: string) => Promise<readonly T[]>): Promise<T[]> => {
  const days = [...new Set([sinceIso.slice(0, 10), new Date().toISOString().slice(0, 10)])];
  return (await Promise.all(days.map(read))).flat();
};

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Messages in a queue right now (visible ones only), without consuming them for long. */
export const peekQueue = async (url: string): Promise<Array<{ body: string; receiveCount: number }>> => {
  const client = sqsClient();
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }),
  );
  client.destroy();
  return Messages.map((m) => ({ body: m.Body ?? '', receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0) }));
};

export const visibleCount = async (url: string): Promise<number> => {
  const client = sqsClient();
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  client.destroy();
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};

/** The API behind the local API Gateway stand-in, over the test runtime, with its own signing key. */
export const startTestApi = async (config: AppConfig): Promise<{ runtime: Runtime; auth: DevAuth; base: string; stop: () => Promise<void> }> => {
  const { runtime } = await startTestRuntime(config);
  const auth = await createDevAuth();
  const port = await freePort();
  const server = await startApiServer({ port, handler: runtime.handlers.api, auth });
  return {
    runtime,
    auth,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stopServer(server);
      await runtime.stop();
    },
  };
};

/** How the tests apply events directly (the seed path): every tenant known, received now. */
export const directIngest = { isKnownTenant: () => true, receivedAt: new Date().toISOString() };

/** A valid claim.submitted event for a test tenant (fake patient). */
export const submittedEvent = (tenantId: string, claimId: string, overrides: Record<string, unknown> = {}) => ({
  eventId: `evt-${randomBytes(8).toString('hex')}`,
  tenantId,
  type: 'claim.submitted',
  occurredAt: '2026-10-01T15:00:00Z',
  source: 'integration-test',
  schemaVersion: 1,
  payload: {
    claimId,
    payer: { id: 'aetna', name: 'Aetna', type: 'commercial' },
    billingNpi: '1234567893',
    renderingNpi: demoNpi(7),
    patient: { accountNumber: 'ACCT-TEST-1', memberId: 'MBR-TEST-1', lastName: 'Testpatient', firstName: 'Ima', dateOfBirth: '1980-02-29' },
    serviceDate: { from: '2026-09-28', through: '2026-09-28' },
    lines: [
      { procedureCode: '99214', modifiers: ['25'], units: 1, chargeCents: 22_000 },
      { procedureCode: '85025', modifiers: [], units: 1, chargeCents: 3_000 },
    ],
    diagnosisCodes: ['E11.9', 'I10'],
    totalChargeCents: 25_000,
    submittedOn: '2026-09-30',
    frequencyCode: '1',
    participating: true,
  },
  ...overrides,
});

/** A remit denying a claim of `cents` in full, CO-197 (authorization), on `remitOn` (a test claim, fake payer number). */
export const fullDenialEvent = (tenantId: string, claimId: string, cents: number, remitOn: string) => ({
  eventId: `evt-remit-${claimId}`,
  tenantId,
  type: 'claim.adjudicated',
  occurredAt: `${remitOn}T15:00:00Z`,
  source: 'integration-test',
  schemaVersion: 1,
  payload: { claimId, remitDate: remitOn, claimStatusCode: '1', payerClaimNumber: `PCN-${claimId}`, billedCents: cents, allowedCents: 0, paidCents: 0, patientResponsibilityCents: 0, adjustments: [{ group: 'CO', carc: '197', rarcs: [], amountCents: cents }] },
});
