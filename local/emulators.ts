// The embedded AWS stack: DynamoDB Local, fauxqs (SQS) and aws-ses-v2-local, all on 127.0.0.1, with the table and
// queues created from the same declarations the CDK stacks use.
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import sesLocalModule from 'aws-ses-v2-local';
import { buildApp as buildFauxqs } from 'fauxqs';
import { deadLetterQueuesEnv } from '../functions/shared/dead-letter-depth.js';
import { queueKeys, queues, tableDesign, visibilityTimeoutSeconds, type QueueKey } from '../functions/shared/resources.js';
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
  readonly endpoints: Record<'dynamodb' | 'sqs' | 'ses', string>;
  readonly tableName: string;
  readonly queueUrls: Record<QueueKey, string>;
  readonly deadLetterUrls: Record<QueueKey, string>;
  /** Environment the handlers (and the AWS SDK) need to talk to this stack. */
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
      ses: `http://127.0.0.1:${ports.ses}`,
    };
    const dynamoClient = new DynamoDBClient(localClientConfig(endpoints.dynamodb));
    await createTable(dynamoClient, tableName);
    dynamoClient.destroy();
    const sqsClient = new SQSClient({ ...localClientConfig(endpoints.sqs), useQueueUrlAsEndpoint: false });
    const { queueUrls, deadLetterUrls } = await createQueues(sqsClient);
    sqsClient.destroy();

    const env: Record<string, string> = {
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: endpoints.ses,
      TABLE_NAME: tableName,
      ...Object.fromEntries(queueKeys.map((key) => [`${key.toUpperCase()}_QUEUE_URL`, queueUrls[key]])),
      [deadLetterQueuesEnv]: JSON.stringify(Object.fromEntries(queueKeys.map((key) => [key, deadLetterUrls[key]]))),
    };
    return { endpoints, tableName, queueUrls, deadLetterUrls, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
