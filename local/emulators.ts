// The embedded AWS stack: DynamoDB Local, fauxqs (SQS and S3) and aws-ses-v2-local, all on 127.0.0.1, with the table,
// queues and X12 bucket created from the same declarations the CDK stacks use.
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createReadStream, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import sesLocalModule from 'aws-ses-v2-local';
import { buildApp as buildFauxqs } from 'fauxqs';
import { deadLetterQueuesEnv } from '../functions/shared/dead-letter-depth.js';
import { s3NotificationOf } from '../functions/services/x12-file-ingest.js';
import { inboxBucketEnv, inboxObjectKey, queueKeys, queues, reportObjectKey, tableDesign, visibilityTimeoutSeconds, x12Bucket, type QueueKey } from '../functions/shared/resources.js';
import { X12Bucket } from '../functions/store/x12-file-store.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { freePort } from './processes.js';

// aws-ses-v2-local is CommonJS with a default export: under Node's ESM interop it arrives one level down.
type SesLocal = typeof sesLocalModule;
const sesLocal: SesLocal = (sesLocalModule as unknown as { default?: SesLocal }).default ?? sesLocalModule;

export const localRegion = 'us-east-1';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalStackOptions {
  /** Folder for persistent data; DynamoDB runs in memory when absent. */
  readonly dataDir?: string;
  readonly cacheDir: string;
  readonly ports?: Partial<Record<'dynamodb' | 'sqs' | 'ses', number>>;
  readonly tableName?: string;
}

export interface LocalStack {
  /** fauxqs serves SQS and S3 on one port: `s3` is the same endpoint as `sqs`. */
  readonly endpoints: Record<'dynamodb' | 'sqs' | 's3' | 'ses', string>;
  readonly tableName: string;
  readonly queueUrls: Record<QueueKey, string>;
  readonly deadLetterUrls: Record<QueueKey, string>;
  /** Environment the handlers (and the AWS SDK) need to talk to this stack (INBOX_BUCKET names the X12 bucket). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export const createTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const indexes = Object.values(tableDesign.indexes);
  const keyAttributes = new Set<string>([tableDesign.partitionKey, tableDesign.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexes.map(
        (index): GlobalSecondaryIndex => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection:
            index.projectedAttributes === 'all'
              ? { ProjectionType: 'ALL' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projectedAttributes] },
        }),
      ),
    }),
  );
};

export const createQueues = async (
  client: SQSClient,
): Promise<{ queueUrls: Record<QueueKey, string>; deadLetterUrls: Record<QueueKey, string> }> => {
  const queueUrls = {} as Record<QueueKey, string>;
  const deadLetterUrls = {} as Record<QueueKey, string>;
  for (const key of queueKeys) {
    const spec = queues[key];
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: `${spec.name}-dead-letters`,
        Attributes: { MessageRetentionPeriod: String(spec.deadLetterRetentionSeconds) },
      }),
    );
    const dlqArn = (
      await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: spec.name,
        Attributes: {
          VisibilityTimeout: String(visibilityTimeoutSeconds(spec)),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
        },
      }),
    );
    queueUrls[key] = queue.QueueUrl!;
    deadLetterUrls[key] = dlq.QueueUrl!;
  }
  return { queueUrls, deadLetterUrls };
};

export const localClientConfig = (endpoint: string) => ({ endpoint, region: localRegion, credentials: localCredentials });

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const tableName = options.tableName ?? 'claim-followup';
  const ports = {
    dynamodb: options.ports?.dynamodb ?? (await freePort()),
    sqs: options.ports?.sqs ?? (await freePort()),
    ses: options.ports?.ses ?? (await freePort()),
  };
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const dynamo: DynamoDbLocal = await startDynamoDbLocal({
      port: ports.dynamodb,
      dataDir: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
      cacheDir: options.cacheDir,
    });
    stops.push(() => dynamo.stop());

    const fauxqs = buildFauxqs({ logger: false });
    await fauxqs.listen({ host: '127.0.0.1', port: ports.sqs });
    stops.push(() => fauxqs.close());

    const ses: Server = await sesLocal({ host: '127.0.0.1', port: ports.ses });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          ses.closeAllConnections();
          ses.close(() => resolve());
        }),
    );

    const endpoints = {
      dynamodb: dynamo.endpoint,
      sqs: `http://127.0.0.1:${ports.sqs}`,
      s3: `http://127.0.0.1:${ports.sqs}`,
      ses: `http://127.0.0.1:${ports.ses}`,
    };
    const dynamoClient = new DynamoDBClient(localClientConfig(endpoints.dynamodb));
    await createTable(dynamoClient, tableName);
    dynamoClient.destroy();
    const sqsClient = new SQSClient({ ...localClientConfig(endpoints.sqs), useQueueUrlAsEndpoint: false });
    const { queueUrls, deadLetterUrls } = await createQueues(sqsClient);
    sqsClient.destroy();
    // fauxqs keeps buckets and objects in memory: files and their S3 reports last as long as the process (the
    // table's report items persist with the table).
    const s3Client = new S3Client(localClientConfig(endpoints.s3));
    await s3Client.send(new CreateBucketCommand({ Bucket: x12Bucket.localName }));
    s3Client.destroy();

    const env: Record<string, string> = {
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      TABLE_NAME: tableName,
      [inboxBucketEnv]: x12Bucket.localName,
      ...Object.fromEntries(queueKeys.map((key) => [`${key.toUpperCase()}_QUEUE_URL`, queueUrls[key]])),
      [deadLetterQueuesEnv]: JSON.stringify(Object.fromEntries(queueKeys.map((key) => [key, deadLetterUrls[key]]))),
    };
    return { endpoints, tableName, queueUrls, deadLetterUrls, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** A file to put in the inbox: its bytes, or a path read as a stream. */
export type InboxFile = Uint8Array | string | { readonly path: string };

/**
 * The local inbox, from the environment of a local stack (or of the running `npm start`): puts files where a
 * clearinghouse would, and reads their reports.
 *
 * fauxqs' S3 sends no event notifications, so `put` does what S3 does in AWS after the object is written: it sends
 * the S3 event notification (S3's message shape, ObjectCreated:Put) to the x12 queue, where the local runtime's
 * ingest-x12-file consumer picks it up, exactly as the Lambda does from the queue S3 notifies in AWS.
 */
export class LocalInbox {
  private readonly s3: S3Client;
  private readonly sqs: SQSClient;
  private readonly bucket: X12Bucket;
  readonly bucketName: string;
  private readonly queueUrl: string;

  constructor(env: Readonly<Record<string, string | undefined>>) {
    const need = (name: string): string => env[name] ?? (() => { throw new Error(`local inbox: ${name} is not in the environment`); })();
    this.bucketName = need(inboxBucketEnv);
    this.queueUrl = need('X12_QUEUE_URL');
    this.s3 = new S3Client(localClientConfig(need('AWS_ENDPOINT_URL_S3')));
    this.sqs = new SQSClient({ ...localClientConfig(need('AWS_ENDPOINT_URL_SQS')), useQueueUrlAsEndpoint: false });
    this.bucket = new X12Bucket(this.s3, this.bucketName);
  }

  /** Puts a file at inbox/<tenant>/<name> and notifies the x12 queue; resolves to the object's key and the message's id. */
  async put(tenantId: string, name: string, file: InboxFile): Promise<{ key: string; messageId: string }> {
    const key = inboxObjectKey(tenantId, name);
    const size = typeof file === 'string' ? Buffer.byteLength(file) : file instanceof Uint8Array ? file.byteLength : statSync(file.path).size;
    const body = typeof file === 'string' || file instanceof Uint8Array ? file : createReadStream(file.path);
    const { VersionId } = await this.s3.send(new PutObjectCommand({ Bucket: this.bucketName, Key: key, Body: body, ContentLength: size }));
    const { MessageId } = await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: s3NotificationOf(this.bucketName, key, { size, versionId: VersionId }) }),
    );
    return { key, messageId: MessageId! };
  }

  /** The report of a file (by tenant and SHA-256) once the system stored it, else undefined. */
  async report(tenantId: string, sha256: string): Promise<string | undefined> {
    return this.bucket.getText(reportObjectKey(tenantId, sha256));
  }

  close(): void {
    this.s3.destroy();
    this.sqs.destroy();
  }
}
