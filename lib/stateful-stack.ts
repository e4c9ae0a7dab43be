// What holds data and outlives deployments: the encryption key, the table, the queues and the X12 bucket. Everything
// here is retained.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { queueKeys, queues, type QueueKey } from '../functions/shared/resources.js';
import type { AppConfig } from '../functions/shared/config-schema.js';
import { ClaimsTable } from './claims-table.js';
import { DurableQueue } from './durable-queue.js';
import { X12Inbox } from './x12-inbox.js';

export interface StatefulStackProps extends StackProps {
  readonly config: AppConfig;
}

export class StatefulStack extends Stack {
  readonly dataKey: kms.Key;
  readonly claims: ClaimsTable;
  readonly queues: Record<QueueKey, DurableQueue>;
  readonly x12Inbox: X12Inbox;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `claim-followup ${props.config.stage}: claims, events and queue messages (PHI)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge Scheduler and CloudWatch alarms (through SNS) put messages on these encrypted queues.
    this.dataKey.grantEncryptDecrypt(new iam.ServicePrincipal('scheduler.amazonaws.com'));
    this.claims = new ClaimsTable(this, 'Claims', { encryptionKey: this.dataKey });
    this.queues = Object.fromEntries(
      queueKeys.map((key) => [
        key,
        new DurableQueue(this, `${key[0]!.toUpperCase()}${key.slice(1)}`, { spec: queues[key], encryptionKey: this.dataKey }),
      ]),
    ) as Record<QueueKey, DurableQueue>;
    this.x12Inbox = new X12Inbox(this, 'X12Inbox', { encryptionKey: this.dataKey, queue: this.queues.x12 });
  }
}
