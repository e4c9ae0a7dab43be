// CDK assertions on the X12 path: the inbox bucket (KMS, versioned, private, TLS only, seven years, retained), its
// notification to the x12 queue (+DLQ, alarm), and the ingest-x12-file function's permissions, which reach nothing else.
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues, visibilityTimeoutSeconds, x12Bucket } from '../../functions/shared/resources.js';
import { buildApp, type FollowupApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';
import { x12TempStorageMB } from '../../lib/x12-files.js';

let built: FollowupApp;
let stateful: Template;
let service: Template;
const ids = { bucket: '', logs: '', queue: '', deadLetters: '', queuePolicy: '', key: '', ingestQueue: '', notificationQueue: '' };

beforeAll(() => {
  built = buildApp(loadConfig('dev'), new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-x12-')), context: { 'aws:cdk:bundling-stacks': [] } }));
  stateful = Template.fromStack(built.stateful);
  service = Template.fromStack(built.service);
  const id = (element: unknown): string => built.stateful.getLogicalId(element as CfnElement);
  const x12 = built.stateful.queues.x12;
  Object.assign(ids, {
    bucket: id(built.stateful.x12Inbox.bucket.node.defaultChild),
    logs: id(built.stateful.x12Inbox.accessLogs.node.defaultChild),
    queue: id(x12.queue.node.defaultChild),
    deadLetters: id(x12.deadLetterQueue.node.defaultChild),
    queuePolicy: id(x12.queue.node.findChild('Policy').node.defaultChild),
    key: id(built.stateful.dataKey.node.defaultChild),
    ingestQueue: id(built.stateful.queues.ingest.queue.node.defaultChild),
    notificationQueue: id(built.stateful.queues.notifications.queue.node.defaultChild),
  });
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> };
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const text = (value: unknown): string => JSON.stringify(value);

describe('X12 bucket', () => {
  it('is encrypted with the data key, versioned, blocks all public access, retained', () => {
    const bucket = stateful.findResources('AWS::S3::Bucket')[ids.bucket]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ids.key, 'Arn'] } } },
    ]);
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    // Server access logs, to a versioned, private, TLS-only bucket of their own.
    expect(bucket.Properties.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: ids.logs } });
    const logs = stateful.findResources('AWS::S3::Bucket')[ids.logs]!;
    expect(logs).toMatchObject({ DeletionPolicy: 'Retain', Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
  });

  it('keeps files and reports (every version) seven years, then lets them expire', () => {
    const bucket = stateful.findResources('AWS::S3::Bucket')[ids.bucket]!;
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ Status: 'Enabled', ExpirationInDays: x12Bucket.retentionDays, NoncurrentVersionExpiration: { NoncurrentDays: x12Bucket.retentionDays } });
    // A rule without a prefix or filter: the whole bucket, inbox and reports alike.
    expect(rules[0]!.Prefix ?? rules[0]!.Filter).toBeUndefined();
    expect(x12Bucket.retentionDays).toBeGreaterThanOrEqual(7 * 365);
  });

  it('refuses every request without TLS (and below TLS 1.2), on the bucket and its objects', () => {
    for (const bucketId of [ids.bucket, ids.logs]) {
      const [policy] = Object.values(stateful.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }));
      const statements = policy!.Properties.PolicyDocument.Statement as Statement[];
      const tls = statements.find((s) => s.Effect === 'Deny' && text(s.Condition) === text({ Bool: { 'aws:SecureTransport': 'false' } }))!;
      expect(tls, bucketId).toBeDefined();
      expect(actionsOf(tls)).toEqual(['s3:*']);
      expect(text(tls.Resource)).toContain(`"${bucketId}","Arn"`);
      expect(text(tls.Resource)).toContain('"/*"');
      expect(statements.some((s) => s.Effect === 'Deny' && text(s.Condition).includes('s3:TlsVersion'))).toBe(true);
    }
  });

  it('notifies the x12 queue of every object created under inbox/ (not reports/), once the queue lets S3 send', () => {
    const bucket = stateful.findResources('AWS::S3::Bucket')[ids.bucket]!;
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        { Event: 's3:ObjectCreated:*', Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: x12Bucket.inboxPrefix }] } }, Queue: { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
      ],
    });
    // S3 checks the destination when the configuration is set: the queue policy must exist first.
    expect(bucket.DependsOn).toContain(ids.queuePolicy);
    const policy = stateful.findResources('AWS::SQS::QueuePolicy')[ids.queuePolicy]!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
      }),
    );
    // The queue is encrypted with the data key: S3 may use it for its messages, from this account only.
    const key = stateful.findResources('AWS::KMS::Key')[ids.key]!;
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });
});

describe('x12 queue and its consumer', () => {
  it('is KMS-encrypted with a dead-letter queue after maxReceiveCount, visibility 6x the consumer timeout', () => {
    const all = stateful.findResources('AWS::SQS::Queue');
    const queue = all[ids.queue]!;
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
    expect(queue.Properties.VisibilityTimeout).toBe(visibilityTimeoutSeconds(queues.x12));
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetters, 'Arn'] }, maxReceiveCount: queues.x12.maxReceiveCount });
    expect(all[ids.deadLetters]!.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('alarms on the first dead letter', () => {
    const alarms = Object.values(service.findResources('AWS::CloudWatch::Alarm')).filter((a) => text(a.Properties.Dimensions).includes(ids.deadLetters));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarms[0]!.Properties.AlarmActions).toHaveLength(1);
  });

  const consumer = () => {
    const functions = service.findResources('AWS::Lambda::Function');
    const entry = Object.entries(functions).find(([, fn]) => String(fn.Properties.Description).startsWith('Reads X12 files'));
    expect(entry).toBeDefined();
    return { id: entry![0], fn: entry![1] };
  };

  it('runs ingest-x12-file on Node.js 24 arm64 with the queue timeout, told the bucket and the ingest queue', () => {
    const { fn } = consumer();
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: queues.x12.consumerTimeoutSeconds, TracingConfig: { Mode: 'Active' } });
    const env = fn.Properties.Environment.Variables;
    expect(text(env.INBOX_BUCKET)).toContain(ids.bucket);
    expect(text(env.INGEST_QUEUE_URL)).toContain(ids.ingestQueue);
    expect(env.TABLE_NAME).toBeDefined();
  });

  it('gives ingest-x12-file /tmp for a large file\'s report and pending claims, and bounded memory', () => {
    const { fn } = consumer();
    expect(fn.Properties.EphemeralStorage).toEqual({ Size: x12TempStorageMB });
    expect(x12TempStorageMB).toBeGreaterThan(512);
    expect(fn.Properties.MemorySize).toBe(1769);
  });

  it('consumes the x12 queue one file at a time, with partial batch failures', () => {
    const { id } = consumer();
    const mappings = Object.values(service.findResources('AWS::Lambda::EventSourceMapping')).filter((m) => text(m.Properties.FunctionName) === text({ Ref: id }));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({ BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(text(mappings[0]!.Properties.EventSourceArn)).toContain(ids.queue);
  });

  it('may read inbox files, write reports, send to the ingest queue and use the data key: nothing more in S3', () => {
    const { id } = consumer();
    const role = text(service.findResources('AWS::Lambda::Function')[id]!.Properties.Role);
    const policies = Object.values(service.findResources('AWS::IAM::Policy')).filter((p) => text(p.Properties.Roles).includes(role.match(/"([A-Za-z0-9]+ServiceRole[A-Za-z0-9]+)"/)![1]!));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const allowing = (action: string) => statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));

    const reads = allowing('s3:GetObject');
    expect(reads).toHaveLength(1);
    expect(actionsOf(reads[0]!).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(text(reads[0]!.Resource)).toContain(ids.bucket);
    expect(text(reads[0]!.Resource)).toMatch(/"\/inbox\/\*"/);

    const writes = allowing('s3:PutObject');
    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]!)).toEqual(['s3:PutObject']);
    expect(text(writes[0]!.Resource)).toMatch(/"\/reports\/\*"/);

    const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'));
    expect(s3Actions.sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);

    const sends = allowing('sqs:SendMessage');
    expect(sends.length).toBeGreaterThan(0);
    // The claim events go to the ingest queue; a batch rejected by a 999 or 277CA alerts through the notification queue.
    expect(sends.every((s) => text(s.Resource).includes(ids.ingestQueue) || text(s.Resource).includes(ids.notificationQueue))).toBe(true);
    expect(sends.some((s) => text(s.Resource).includes(ids.notificationQueue))).toBe(true);

    const kms = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes('kms:Decrypt'));
    expect(kms.length).toBeGreaterThan(0);
    expect(kms.every((s) => text(s.Resource).includes(ids.key))).toBe(true);
    expect(kms.flatMap(actionsOf)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:Encrypt']));
  });
});

describe('cdk-nag', () => {
  it('synthesizes with the X12 resources and no unacknowledged finding', () => {
    expect(() => built.app.synth()).not.toThrow();
    service.hasOutput('X12BucketName', Match.anyValue());
  });
});
