// The nightly run: a schedule per tenant in its time zone starts the run, which fans out one aging message per shard.
import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { TimeZone } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { TenantConfig } from '../functions/shared/config-schema.js';
import { FollowupFunction, type FunctionDefaults } from './followup-function.js';

export interface NightlyRunProps extends FunctionDefaults {
  readonly tenants: readonly TenantConfig[];
}

export class NightlyRun extends Construct {
  readonly starter: FollowupFunction;
  readonly shardWorker: FollowupFunction;
  /** Schedule invocations that failed after retries, and async invocations of the starter that failed. */
  readonly triggerDeadLetters: sqs.Queue;
  readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: NightlyRunProps) {
    super(scope, id);
    this.triggerDeadLetters = new sqs.Queue(this, 'TriggerDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.starter = new FollowupFunction(this, 'StartNightlyRun', {
      ...props.functionProps,
      handler: 'start-nightly-run',
      description: 'Creates the run record of a tenant night and sends one aging message per shard',
      timeout: Duration.seconds(60),
      deadLetterQueue: this.triggerDeadLetters,
    })
      .bindTable(props.table)
      .bindQueueSender('aging', props.queues.aging);

    this.shardWorker = new FollowupFunction(this, 'AgeClaimsShard', {
      ...props.functionProps,
      handler: 'age-claims-shard',
      description: 'Ages, ranks and routes the open claims of one shard; continues itself with a cursor',
      timeout: Duration.seconds(props.queues.aging.spec.consumerTimeoutSeconds),
      memorySize: 1024,
    })
      .bindTable(props.table)
      .bindQueueSender('aging', props.queues.aging)
      .bindQueueSender('notifications', props.queues.notifications)
      .consume(props.queues.aging);

    for (const tenant of props.tenants) {
      const [hour, minute] = tenant.nightlyAt.split(':');
      this.schedules.push(
        new scheduler.Schedule(this, `Nightly-${tenant.id}`, {
          description: `Nightly follow-up run for ${tenant.id} at ${tenant.nightlyAt} ${tenant.timeZone}`,
          schedule: scheduler.ScheduleExpression.cron({
            hour: String(Number(hour)),
            minute: String(Number(minute)),
            timeZone: TimeZone.of(tenant.timeZone),
          }),
          target: new targets.LambdaInvoke(this.starter, {
            input: scheduler.ScheduleTargetInput.fromObject({ tenantId: tenant.id, timeZone: tenant.timeZone }),
            deadLetterQueue: this.triggerDeadLetters,
            retryAttempts: 5,
            maxEventAge: Duration.hours(6),
          }),
        }),
      );
    }
  }
}
