// Email: an SES configuration set that requires TLS, and the function that sends digests, reminders and alerts.
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueuesEnv } from '../functions/shared/dead-letter-depth.js';
import { watchEveryMinutes } from '../functions/shared/resources.js';
import type { TenantConfig } from '../functions/shared/config-schema.js';
import { FollowupFunction, type FunctionDefaults } from './followup-function.js';

export interface NotificationsProps extends FunctionDefaults {
  readonly senderAddress: string;
  /** The practices: those with a sender address of their own may send from it too. */
  readonly tenants: readonly TenantConfig[];
  /** Every dead-letter queue of the deployment, by name: their depth is in the digest and the dead-letter alert. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Where the watch schedule's failed deliveries go. */
  readonly scheduleDeadLetters: sqs.IQueue;
}


export class Notifications extends Construct {
  readonly sender: FollowupFunction;
  readonly configurationSet: ses.ConfigurationSet;
  readonly watch: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.sender = new FollowupFunction(this, 'SendNotifications', {
      ...props.functionProps,
      handler: 'send-notifications',
      description: 'Sends digests, reminders and alerts by email, once per recipient, kind and run',
      timeout: Duration.seconds(props.queues.notifications.spec.consumerTimeoutSeconds),
      environment: {
        ...props.functionProps.environment,
        SENDER_ADDRESS: props.senderAddress,
        SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
        [deadLetterQueuesEnv]: Stack.of(this).toJsonString(Object.fromEntries(Object.entries(props.deadLetterQueues).map(([name, q]) => [name, q.queueUrl]))),
      },
    })
      .bindTable(props.table)
      .bindQueueSender('notifications', props.queues.notifications)
      .consume(props.queues.notifications);

    this.sender.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: Object.values(props.deadLetterQueues).map((q) => q.queueArn) }),
    );

    // Late runs are noticed by looking: a run that never completes sends no message of its own.
    this.watch = new scheduler.Schedule(this, 'Watch', {
      description: 'Looks for nightly runs not complete by their time and for dead letters (threshold alerts)',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(watchEveryMinutes)),
      target: new targets.SqsSendMessage(props.queues.notifications.queue, {
        input: scheduler.ScheduleTargetInput.fromObject({ kind: 'watch', at: scheduler.ContextAttribute.scheduledTime }),
        deadLetterQueue: props.scheduleDeadLetters,
        retryAttempts: 3,
        maxEventAge: Duration.minutes(watchEveryMinutes),
      }),
    });

    // SES authorizes a send on the address identity or on its domain's, whichever is verified.
    const stack = Stack.of(this);
    const senders = [props.senderAddress, ...props.tenants.flatMap((t) => (t.senderAddress ? [t.senderAddress] : []))];
    const identities = [...new Set(senders.flatMap((address) => [address, address.split('@')[1]!]))];
    this.sender.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          ...identities.map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
      }),
    );
  }
}
