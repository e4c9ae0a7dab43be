// The house Lambda: Node.js 24 on arm64, ESM bundle with the AWS SDK inside, encrypted logs with retention, X-Ray,
// and bind helpers that grant access and set the environment variable in one call.
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { outboxPrefix } from '../functions/domain/status-inquiry.js';
import { inboxBucketEnv, queueUrlEnv, tableDesign, tableNameEnv, visibilityTimeoutSeconds, x12Bucket, type QueueKey } from '../functions/shared/resources.js';
import type { DurableQueue } from './durable-queue.js';

export interface FollowupFunctionProps {
  /** File name under functions/handlers, without extension. */
  readonly handler: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetentionDays: number;
  readonly logKey: kms.IKey;
  readonly environment?: Record<string, string>;
  readonly deadLetterQueue?: sqs.IQueue;
}

/** What every concern construct of the service stack receives: the resources it binds and the house function props. */
export interface FunctionDefaults {
  readonly table: dynamodb.ITable;
  readonly dataKey: kms.IKey;
  readonly queues: Record<QueueKey, DurableQueue>;
  readonly functionProps: Pick<FollowupFunctionProps, 'logRetentionDays' | 'logKey' | 'environment'>;
}

export const handlerEntry = (handler: string): string =>
  fileURLToPath(new URL(`../functions/handlers/${handler}.ts`, import.meta.url));

const tableDataActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

export class FollowupFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: FollowupFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logKey,
    });
    super(scope, id, {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'claim-followup',
        POWERTOOLS_METRICS_NAMESPACE: 'ClaimFollowup',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Bundle the SDK at the version we test with instead of the runtime's copy.
        externalModules: [],
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
      },
    });
  }

  /** Read and write the claims table and its named indexes (no wildcard over other indexes or tables). */
  bindTable(table: dynamodb.ITable): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: tableDataActions,
        resources: [table.tableArn, ...Object.values(tableDesign.indexes).map((index) => `${table.tableArn}/index/${index.name}`)],
      }),
    );
    table.encryptionKey?.grantEncryptDecrypt(this);
    this.addEnvironment(tableNameEnv, table.tableName);
    return this;
  }

  /** Send messages to a queue. */
  bindQueueSender(key: QueueKey, queue: DurableQueue): this {
    queue.queue.grantSendMessages(this);
    this.addEnvironment(queueUrlEnv(key), queue.queue.queueUrl);
    return this;
  }

  /** Read the X12 bucket's inbox files (any version) and write its reports, nothing else; decrypt and encrypt with its key. */
  bindX12Bucket(bucket: s3.IBucket): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [bucket.arnForObjects(`${x12Bucket.inboxPrefix}*`)] }),
    );
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${x12Bucket.reportsPrefix}*`)] }));
    bucket.encryptionKey?.grantEncryptDecrypt(this);
    this.addEnvironment(inboxBucketEnv, bucket.bucketName);
    return this;
  }

  /**
   * The X12 bucket's outbox (276 status inquiries at outbox/<tenant>/276/…): `write` puts files (PutObject only, and
   * encrypts with the bucket's key), `read` gets them (GetObject only, and decrypts). Nothing else of the bucket.
   */
  bindX12Outbox(bucket: s3.IBucket, access: 'read' | 'write'): this {
    this.addToRolePolicy(new iam.PolicyStatement({ actions: [access === 'write' ? 's3:PutObject' : 's3:GetObject'], resources: [bucket.arnForObjects(`${outboxPrefix}*`)] }));
    if (access === 'write') bucket.encryptionKey?.grantEncrypt(this);
    else bucket.encryptionKey?.grantDecrypt(this);
    this.addEnvironment(inboxBucketEnv, bucket.bucketName);
    return this;
  }

  /** Consume a queue the way every consumer here does: partial batch failures, sized from the queue declaration. */
  consume(queue: DurableQueue): this {
    const needed = visibilityTimeoutSeconds(queue.spec);
    if (this.timeout && needed < this.timeout.toSeconds() * 6) {
      throw new Error(`${this.node.id}: queue visibility ${needed}s is less than 6x the function timeout`);
    }
    this.addEventSource(
      new SqsEventSource(queue.queue, {
        batchSize: queue.spec.batchSize,
        maxBatchingWindow:
          queue.spec.maxBatchingWindowSeconds > 0 ? Duration.seconds(queue.spec.maxBatchingWindowSeconds) : undefined,
        reportBatchItemFailures: true,
        maxConcurrency: queue.spec.maxConcurrency,
      }),
    );
    return this;
  }
}
