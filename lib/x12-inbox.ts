// The X12 drop bucket: clearinghouse files at inbox/<tenant>/<name>, their reports at reports/<tenant>/<sha256>.json.
// KMS-encrypted with the data key, TLS only, versioned, never public, retained, files kept seven years; every created
// inbox object notifies the x12 queue. Server access logs go to a bucket of their own.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { x12Bucket } from '../functions/shared/resources.js';
import type { DurableQueue } from './durable-queue.js';

export interface X12InboxProps {
  readonly encryptionKey: kms.IKey;
  /** Where S3 sends the notification of each file created under inbox/. */
  readonly queue: DurableQueue;
}

export class X12Inbox extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: X12InboxProps) {
    super(scope, id);
    const retention = Duration.days(x12Bucket.retentionDays);
    const common = {
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    // S3 delivers server access logs only to a bucket with S3-managed encryption (SSE-KMS targets are not supported).
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ id: 'KeepSevenYears', expiration: retention, noncurrentVersionExpiration: retention }],
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...common,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'x12-bucket/',
      lifecycleRules: [
        {
          id: 'KeepSevenYears',
          expiration: retention,
          noncurrentVersionExpiration: retention,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // The notification is set on the bucket itself (no custom resource). S3 checks at creation that it may send to
    // the queue, so the queue policy comes first; it names the account rather than the bucket, whose ARN would make
    // the policy depend on the bucket (a cycle). The consumer reads only its own bucket's notifications.
    const stack = Stack.of(this);
    const queue = props.queue.queue;
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3InboxNotifications',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:s3:::*` },
        },
      }),
    );
    // S3 encrypts its notification messages with the queue's key.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3InboxNotificationsToEncryptedQueue',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: queue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: x12Bucket.inboxPrefix }] } },
        },
      ],
    };
    // addToResourcePolicy put the statement in the queue's one policy (its child "Policy", with the TLS-only statement).
    const queuePolicy = queue.node.tryFindChild('Policy');
    if (!queuePolicy) throw new Error('x12 queue has no resource policy');
    this.bucket.node.addDependency(queuePolicy);
  }
}
