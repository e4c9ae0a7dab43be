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
  // The web app (lib/web-site.ts): S3 + CloudFront, and CDK's BucketDeployment function that copies the built app in.
  const site = service.webSite;
  acknowledge(site.distribution, {
    'AwsSolutions-CFR1': 'The app is for the practice\'s staff wherever they work (remote billers); sign-in (Cognito, MFA required) guards it, not geography.',
    'AwsSolutions-CFR2':
      'The site serves only static files and passes API calls to API Gateway, whose JWT authorizer refuses anonymous calls; a WAF web ACL (us-east-1 for CloudFront) is a per-deployment choice with its own cost and rules.',
    'AwsSolutions-CFR4':
      'The default *.cloudfront.net certificate: CloudFront then allows TLSv1 to viewers whatever the minimum protocol says; a deployment with its own domain adds its ACM certificate with minimumProtocolVersion TLSv1.2_2021. The API origin is HTTPS with TLSv1.2 only.',
  });
  acknowledge(site.bucket, {
    'HIPAA.Security-S3BucketReplicationEnabled': 'Holds only the built app (no patient data), rebuilt from the repository on every deploy; versioned.',
    'HIPAA.Security-S3DefaultEncryptionKMS':
      'Holds only the built app, the same files every visitor downloads (no patient data): S3-managed encryption. A KMS key here would need a key policy open to every CloudFront distribution of the account.',
  });
  acknowledge(site.logs, {
    'HIPAA.Security-S3BucketReplicationEnabled': 'Access logs of the web app (CloudFront and S3): versioned and retained in this region; replicate with the X12 bucket if a deployment does.',
    'HIPAA.Security-S3DefaultEncryptionKMS':
      'CloudFront standard logs and S3 server access logs are delivered only to buckets with S3-managed encryption; they hold request metadata (the app puts no patient data in URLs).',
  });
  // How cdk-nag writes an environment value in a finding: the literal, or its pseudo parameter while unresolved (a token).
  const nagValue = (value: string, pseudo: string): string => (value.includes('${Token[') ? pseudo : value);
  const deployer = service.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (deployer) {
    const siteBucketArn = `<${service.getLogicalId(site.bucket.node.defaultChild as never)}.Arn>`;
    acknowledge(deployer, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': 'CDK\'s BucketDeployment function: CreateLogStream/PutLogEvents only.',
      'AwsSolutions-IAM5[Action::s3:GetObject*]': 'CDK\'s BucketDeployment grant: reads the app\'s asset from the CDK assets bucket.',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': 'CDK\'s BucketDeployment grant on the assets bucket and the site bucket.',
      'AwsSolutions-IAM5[Action::s3:List*]': 'CDK\'s BucketDeployment grant: lists the site bucket to copy the app in.',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': 'CDK\'s BucketDeployment grant on the site bucket (which holds only the built app).',
      'AwsSolutions-IAM5[Action::s3:Abort*]': 'CDK\'s BucketDeployment grant: aborts its own multipart uploads to the site bucket.',
      [`AwsSolutions-IAM5[Resource::${siteBucketArn}/*]`]: 'Writes the app\'s files: any key of the site bucket, which holds nothing else.',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${nagValue(service.account, '<AWS::AccountId>')}-${nagValue(service.region, '<AWS::Region>')}/*]`]: 'Reads the app\'s asset zip from the CDK bootstrap assets bucket (its key is the asset hash).',
      'AwsSolutions-IAM5[Resource::*]': 'CloudFront CreateInvalidation/GetInvalidation, which BucketDeployment calls after the copy, support no resource-level permissions in its grant.',
      'AwsSolutions-L1': 'CDK\'s BucketDeployment function runtime is chosen by aws-cdk-lib (it runs the AWS CLI) and moves with its releases.',
      'HIPAA.Security-IAMNoInlinePolicy': 'CDK-generated policy of the BucketDeployment role: the asset read, the site bucket and the invalidation only.',
      'HIPAA.Security-LambdaConcurrency': 'Runs once per deploy, from CloudFormation.',
      'HIPAA.Security-LambdaDLQ': 'Invoked synchronously by CloudFormation, which reports a failure as a failed deploy.',
      'HIPAA.Security-LambdaInsideVPC': 'Reaches only S3 and CloudFront APIs over TLS with IAM auth; no resource lives in a VPC.',
    });
  }
};
