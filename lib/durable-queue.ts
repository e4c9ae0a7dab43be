// A work queue with its dead-letter queue, both KMS-encrypted and TLS-only, sized from the shared queue declaration.
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { visibilityTimeoutSeconds, type QueueSpec } from '../functions/shared/resources.js';

export interface DurableQueueProps {
  readonly spec: QueueSpec;
  readonly encryptionKey: kms.IKey;
}

export class DurableQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly spec: QueueSpec;

  constructor(scope: Construct, id: string, props: DurableQueueProps) {
    super(scope, id);
    this.spec = props.spec;
    const encryption = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      ...encryption,
      retentionPeriod: Duration.seconds(props.spec.deadLetterRetentionSeconds),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encryption,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(props.spec)),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.spec.maxReceiveCount },
    });
  }
}
