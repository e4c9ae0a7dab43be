// Every cdk-nag finding we accept, each with its reason, in one place to review. Anything not here fails synth.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { FollowupFunction } from './followup-function.js';
import type { ServiceStack } from './service-stack.js';
import type { StatefulStack } from './stateful-stack.js';

const acknowledge = (scope: IConstruct, findings: Record<string, string>): void => {
  for (const [id, reason] of Object.entries(findings)) Validations.of(scope).acknowledge({ id, reason });
};

export const acknowledgeNagFindings = (stateful: StatefulStack, service: ServiceStack): void => {
  const functions = service.node.findAll().filter((c): c is FollowupFunction => c instanceof FollowupFunction);
  for (const fn of functions) {
    acknowledge(fn, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'AWSLambdaBasicExecutionRole grants only CreateLogStream/PutLogEvents, which every function needs.',
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]':
        'CDK grant on the one customer-managed data key; GenerateDataKey variants are needed to write encrypted items and messages.',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': 'CDK grant on the one customer-managed data key (grantEncryptDecrypt).',
      'HIPAA.Security-IAMNoInlinePolicy':
        'The CDK-generated policy belongs to this function role alone and is least-privilege grants for its table and queues.',
      'HIPAA.Security-LambdaConcurrency':
        'Reserved concurrency would fail deployment in accounts with low limits; the queues buffer load and the table is on-demand.',
      'HIPAA.Security-LambdaInsideVPC':
        'The functions reach only AWS APIs (DynamoDB, SQS, SES) over TLS with IAM auth; no resource lives in a VPC.',
    });
    if (!fn.deadLetterQueue) {
      acknowledge(fn, {
        'HIPAA.Security-LambdaDLQ':
          'Invoked synchronously (API) or by an SQS event source, whose queue has its own dead-letter queue and alarm.',
      });
    }
  }
  acknowledge(service.api.httpApi, {
    'AwsSolutions-APIG4': 'GET /health (uptime checks) and GET /openapi.json (the public API description) are open on purpose and reveal no data. Every other route has the JWT authorizer.',
  });
  // One scheduler role per target: the nightly starter (Lambda) and the watch (the notification queue).
  for (const schedulerRole of service.node.children.filter((c) => c.node.id.startsWith('SchedulerRoleForTarget'))) {
    acknowledge(schedulerRole, {
      [`AwsSolutions-IAM5[Resource::<${service.getLogicalId(service.nightly.starter.node.defaultChild as never)}.Arn>:*]`]:
        'The scheduler may invoke the nightly starter function and its versions, nothing else.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]':
        'CDK grant for the watch schedule to send to the encrypted notification queue: GenerateDataKey on the one data key.',
      'HIPAA.Security-IAMNoInlinePolicy':
        'CDK-generated policies for the scheduler roles: invoke the nightly starter only, or send to the notification queue only.',
    });
  }
  // The X12 consumer reads any file under inbox/ and writes any report under reports/: keys come from senders and
  // file contents, so each grant is a prefix. The bucket's ARN arrives in the service stack as an import.
  const x12BucketArn = (stateful.resolve(stateful.exportValue(stateful.x12Inbox.bucket.bucketArn)) as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  acknowledge(service.x12Files.consumer, {
    [`AwsSolutions-IAM5[Resource::${x12BucketArn}/inbox/*]`]:
      'Reads (GetObject, GetObjectVersion) the files dropped under inbox/<tenant>/<name>: names are the senders\' and not known in advance.',
    [`AwsSolutions-IAM5[Resource::${x12BucketArn}/reports/*]`]:
      'Writes (PutObject only) each file report at reports/<tenant>/<sha256>.json: the digest is known only once the file is read.',
  });
  // 276 files: one per night, payer and control number, under outbox/<tenant>/276/: names known only when written.
  acknowledge(service.notifications.sender, {
    [`AwsSolutions-IAM5[Resource::${x12BucketArn}/outbox/*]`]: 'Writes (PutObject only) each 276 status inquiry at outbox/<tenant>/276/<date>-<control>.x12.',
  });
  acknowledge(service.api.handler, {
    [`AwsSolutions-IAM5[Resource::${x12BucketArn}/outbox/*]`]: 'Reads (GetObject only) a 276 file an admin asks for (GET /status-inquiries/{id}/file, audited).',
  });
  acknowledge(stateful.x12Inbox.bucket, {
    'HIPAA.Security-S3BucketReplicationEnabled':
      'Cross-region replication is a per-deployment choice (a second region and key); the bucket is versioned, retained, keeps every version 7 years, and each report is also in the backed-up table.',
  });
  acknowledge(stateful.x12Inbox.accessLogs, {
    'HIPAA.Security-S3BucketReplicationEnabled': 'Server access logs of the X12 bucket: versioned and retained 7 years in this region; replicate with the X12 bucket if a deployment does.',
    'HIPAA.Security-S3DefaultEncryptionKMS':
      'S3 server access logging delivers only to buckets with S3-managed encryption (SSE-KMS targets are not supported); the logs hold request metadata, no file content.',
  });
  acknowledge(stateful.claims, {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]':
      'AWS Backup needs its service role policy to snapshot the table into the encrypted vault.',
  });
};
