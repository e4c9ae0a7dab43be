// CDK assertions on the behaviours the design depends on, and cdk-nag (AwsSolutions + HIPAA) with zero open findings.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues, tableDesign, visibilityTimeoutSeconds } from '../../functions/shared/resources.js';
import { buildApp, type FollowupApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';

const config = loadConfig('dev');
const synthApp = (bundle = false, appConfig = config): FollowupApp =>
  buildApp(appConfig, new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-')), context: bundle ? {} : { 'aws:cdk:bundling-stacks': [] } }));

let stateful: Template;
let service: Template;
let built: FollowupApp;

beforeAll(() => {
  built = synthApp();
  stateful = Template.fromStack(built.stateful);
  service = Template.fromStack(built.service);
});

const resolveRef = (value: unknown): string => JSON.stringify(value);

describe('stateful stack', () => {
  it('has one table with the declared keys and sparse GSIs, PITR, a customer-managed key, deletion protection, retained', () => {
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() }),
        GlobalSecondaryIndexes: Object.values(tableDesign.indexes).map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
      }),
    });
    stateful.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    stateful.hasResourceProperties('AWS::Backup::BackupSelection', Match.anyValue());
  });

  it.each(Object.values(queues))('queue $name: KMS, TLS only, DLQ after maxReceiveCount, visibility 6x the consumer timeout', (spec) => {
    const all = stateful.findResources('AWS::SQS::Queue');
    const [, queue] = Object.entries(all).find(([id]) => id.startsWith(`${spec.name[0]!.toUpperCase()}${spec.name.slice(1)}Queue`))!;
    expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    expect(queue.Properties.VisibilityTimeout).toBe(visibilityTimeoutSeconds(spec));
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(spec.maxReceiveCount);
    const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(all[dlqId]!.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('denies every queue request without TLS', () => {
    const policies = Object.values(stateful.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(Object.keys(queues).length * 2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('service stack', () => {
  it('runs every function on Node.js 24, arm64, with tracing and an encrypted log group with retention', () => {
    // Ours; CDK's BucketDeployment function (the web app's copy into its bucket, lib/web-site.ts) runs its own runtime.
    const functions = Object.fromEntries(Object.entries(service.findResources('AWS::Lambda::Function')).filter(([id]) => !id.startsWith('CustomCDKBucketDeployment')));
    expect(Object.keys(functions)).toHaveLength(6);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    const logGroups = Object.values(service.findResources('AWS::Logs::LogGroup'));
    for (const group of logGroups) {
      expect(group.Properties).toMatchObject({ RetentionInDays: config.logRetentionDays, KmsKeyId: expect.anything() });
    }
  });

  it('consumes each queue with partial batch failures and a visibility timeout at least 6x the function timeout', () => {
    const mappings = Object.values(service.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(Object.keys(queues).length);
    const functions = service.findResources('AWS::Lambda::Function');
    const queueResources = stateful.findResources('AWS::SQS::Queue');
    for (const mapping of mappings) {
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      const fn = functions[mapping.Properties.FunctionName.Ref]!;
      const importName = resolveRef(mapping.Properties.EventSourceArn);
      const [queueId] = Object.keys(queueResources).filter((id) => importName.includes(id));
      expect(queueId, `queue of ${importName}`).toBeDefined();
      expect(queueResources[queueId!]!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
      // Concurrency capped where the spec caps it (the notification sender, for the SES sending rate).
      const spec = Object.values(queues).find((q) => queueId!.startsWith(`${q.name[0]!.toUpperCase()}${q.name.slice(1)}Queue`))!;
      const cap = 'maxConcurrency' in spec ? spec.maxConcurrency : undefined;
      expect(mapping.Properties.ScalingConfig?.MaximumConcurrency, spec.name).toBe(cap);
    }
    expect(queues.notifications.maxConcurrency).toBe(2);
  });

  it('schedules a nightly run per tenant at its local time in its time zone, with retries and a DLQ', () => {
    for (const tenant of config.tenants) {
      const [hour, minute] = tenant.nightlyAt.split(':').map(Number);
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: `cron(${minute} ${hour} * * ? *)`,
        ScheduleExpressionTimezone: tenant.timeZone,
        Target: Match.objectLike({
          Input: JSON.stringify({ tenantId: tenant.id, timeZone: tenant.timeZone }),
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 5 }),
        }),
      });
    }
  });

  it('protects the HTTP API with a JWT authorizer on the Cognito user pool, with biller, manager and admin groups', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.anyValue() },
    });
    const routes = Object.values(service.findResources('AWS::ApiGatewayV2::Route'));
    const open = routes.filter((r) => r.Properties.AuthorizationType === 'NONE').map((r) => r.Properties.RouteKey);
    expect(open.sort()).toEqual(['GET /health', 'GET /openapi.json']);
    expect(routes.filter((r) => r.Properties.AuthorizationType === 'JWT').length).toBeGreaterThan(0);
    const groups = Object.values(service.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'biller', 'manager']);
    service.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', DeletionProtection: 'ACTIVE' });
    service.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  });

  it('alarms on every dead-letter queue, to the operators topic', () => {
    const alarms = Object.values(service.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(Object.keys(queues).length + 1);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('sends email through an SES configuration set that requires TLS', () => {
    service.hasResourceProperties('AWS::SES::ConfigurationSet', { DeliveryOptions: { TlsPolicy: 'REQUIRE' } });
  });

  it('may send from the deployment address and from each practice address of its own, and from nothing else', () => {
    const lakeside = { ...config.tenants[0]!, senderAddress: 'billing@lakeside.example' };
    const own = Template.fromStack(synthApp(false, { ...config, tenants: [lakeside, ...config.tenants.slice(1)] }).service);
    const sesIdentities = (template: Template): string[] =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>)
        .filter((statement) => statement.Action === 'ses:SendEmail')
        .flatMap((statement) => (statement.Resource as unknown[]).map(resolveRef))
        .filter((arn) => arn.includes(':identity/'))
        .map((arn) => /:identity\/([^"]+)"/.exec(arn)![1]!);
    expect(sesIdentities(service).sort()).toEqual([config.senderAddress, config.senderAddress.split('@')[1]!].sort());
    expect(sesIdentities(own).sort()).toEqual([config.senderAddress, config.senderAddress.split('@')[1]!, 'billing@lakeside.example', 'lakeside.example'].sort());
  });

  it('watches every 15 minutes for late runs and dead letters, through the notification queue', () => {
    service.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({
        Input: JSON.stringify({ kind: 'watch', at: '<aws.scheduler.scheduled-time>' }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    // The sender reads the depth of every dead-letter queue (the digest's run health, the dead-letter alert).
    const sender = Object.values(service.findResources('AWS::Lambda::Function')).find((fn) => String(fn.Properties.Description).startsWith('Sends digests'))!;
    const urls = JSON.stringify(sender.Properties.Environment.Variables.DEAD_LETTER_QUEUE_URLS);
    for (const key of [...Object.keys(queues), 'nightly-trigger']) expect(urls).toContain(`\\"${key}\\":`);
    service.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:GetQueueAttributes', Effect: 'Allow' })]) },
    });
  });
});

describe('cdk-nag', () => {
  it('synthesizes with the AwsSolutions and HIPAA Security packs and no unacknowledged finding', () => {
    expect(() => synthApp().app.synth()).not.toThrow();
  });

  it('would fail synth on a new finding (the packs are active)', () => {
    const { app, service: stack } = synthApp();
    new sqs.Queue(stack as Stack, 'UnencryptedQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('bundles every function as an ESM bundle with the createRequire banner', () => {
    const { app } = synthApp(true);
    const assembly = app.synth();
    // Folders only: CDK's own assets (the BucketDeployment handler and AWS CLI layer) are zip files.
    const bundles = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.') && statSync(join(assembly.directory, name)).isDirectory());
    expect(bundles.length).toBeGreaterThanOrEqual(5);
    for (const bundle of bundles) {
      const files = readdirSync(join(assembly.directory, bundle));
      if (!files.includes('index.mjs')) continue;
      expect(readFileSync(join(assembly.directory, bundle, 'index.mjs'), 'utf8')).toMatch(/^import \{ createRequire \}/);
    }
  });
});
