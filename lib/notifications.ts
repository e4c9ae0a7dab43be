// Email: an SES configuration set that requires TLS, and the function that sends digests, reminders and alerts.
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { FunctionDefaults } from './service-stack.js';
import { FollowupFunction } from './followup-function.js';

export interface NotificationsProps extends FunctionDefaults {
  readonly senderAddress: string;
}

export class Notifications extends Construct {
  readonly sender: FollowupFunction;
  readonly configurationSet: ses.ConfigurationSet;

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
      },
    })
      .bindTable(props.table)
      .consume(props.queues.notifications);

    const stack = Stack.of(this);
    const domain = props.senderAddress.split('@')[1]!;
    this.sender.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.senderAddress }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
      }),
    );
  }
}
