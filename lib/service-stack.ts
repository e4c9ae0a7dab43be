// What runs: the functions, the HTTP API, the nightly schedules and the alarms, over the stateful stack's resources.
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { AppConfig } from '../functions/shared/config-schema.js';
import type { QueueKey } from '../functions/shared/resources.js';
import { encodeTenantDirectory, tenantDirectoryEnv } from '../functions/shared/tenant-directory.js';
import { BillerApi } from './biller-api.js';
import type { DurableQueue } from './durable-queue.js';
import type { FunctionDefaults } from './followup-function.js';
import { Ingestion } from './ingestion.js';
import { Monitoring } from './monitoring.js';
import { NightlyRun } from './nightly-run.js';
import { Notifications } from './notifications.js';
import { WebSite } from './web-site.js';
import { X12Files } from './x12-files.js';

export interface ServiceStackProps extends StackProps {
  readonly config: AppConfig;
  readonly table: dynamodb.ITable;
  readonly dataKey: kms.IKey;
  readonly queues: Record<QueueKey, DurableQueue>;
  /** The X12 bucket: inbox files and their reports. */
  readonly x12Bucket: s3.IBucket;
}

export class ServiceStack extends Stack {
  readonly ingestion: Ingestion;
  readonly nightly: NightlyRun;
  readonly api: BillerApi;
  readonly notifications: Notifications;
  readonly monitoring: Monitoring;
  readonly x12Files: X12Files;
  readonly webSite: WebSite;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logKey = new kms.Key(this, 'LogKey', {
      description: `claim-followup ${config.stage}: Lambda, API access logs and alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    logKey.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));

    const defaults: FunctionDefaults = {
      table: props.table,
      dataKey: props.dataKey,
      queues: props.queues,
      functionProps: {
        logRetentionDays: config.logRetentionDays,
        logKey,
        environment: {
          STAGE: config.stage,
          SHARD_COUNT: String(config.shardCount),
          APP_BASE_URL: config.appBaseUrl,
          // Which tenants this deployment serves (ingest refuses others), their time zones and recipients.
          [tenantDirectoryEnv]: encodeTenantDirectory(config.tenants),
        },
      },
    };
    this.ingestion = new Ingestion(this, 'Ingestion', defaults);
    this.x12Files = new X12Files(this, 'X12Files', { ...defaults, bucket: props.x12Bucket });
    this.nightly = new NightlyRun(this, 'NightlyRun', { ...defaults, tenants: config.tenants });
    this.api = new BillerApi(this, 'BillerApi', defaults);
    this.notifications = new Notifications(this, 'Notifications', {
      ...defaults,
      senderAddress: config.senderAddress,
      tenants: config.tenants,
      deadLetterQueues: {
        ...Object.fromEntries(Object.entries(props.queues).map(([key, queue]) => [key, queue.deadLetterQueue])),
        'nightly-trigger': this.nightly.triggerDeadLetters,
      },
      scheduleDeadLetters: this.nightly.triggerDeadLetters,
    });

    // 276 status inquiries: written to the X12 bucket's outbox after each night, read back by an admin through the API.
    this.notifications.sender.bindX12Outbox(props.x12Bucket, 'write');
    this.api.handler.bindX12Outbox(props.x12Bucket, 'read');

    this.monitoring = new Monitoring(this, 'Monitoring', { alarmKey: logKey, operatorEmail: config.operatorEmail });
    for (const [key, queue] of Object.entries(props.queues)) {
      this.monitoring.alarmOnDeadLetters(key, queue.deadLetterQueue, `A ${key} message (${queue.spec.purpose})`);
    }
    this.monitoring.alarmOnDeadLetters('NightlyTrigger', this.nightly.triggerDeadLetters, 'A nightly-run trigger');

    // The web app (S3 + CloudFront), calling the API on its own origin.
    this.webSite = new WebSite(this, 'WebSite', { stage: config.stage, api: this.api });

    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint });
    new CfnOutput(this, 'WebAppUrl', { value: this.webSite.url });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.client.userPoolClientId });
    new CfnOutput(this, 'IngestQueueUrl', { value: props.queues.ingest.queue.queueUrl });
    // Clearinghouses (or AWS Transfer Family) deliver to inbox/<tenant>/<name> in this bucket.
    new CfnOutput(this, 'X12BucketName', { value: props.x12Bucket.bucketName });
  }
}
