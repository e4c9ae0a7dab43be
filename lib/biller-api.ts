// The biller HTTP API: API Gateway v2 with a JWT authorizer backed by a Cognito user pool (groups biller, manager, admin).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { publicRoutes } from '../functions/api/public-routes.js';
import { roles, tenantsClaim } from '../functions/shared/auth.js';
import { FollowupFunction, type FunctionDefaults } from './followup-function.js';

export class BillerApi extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;
  readonly handler: FollowupFunction;

  constructor(scope: Construct, id: string, props: FunctionDefaults) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: {
        // Comma-separated tenant ids the user may work; set by an administrator, never by the user.
        [tenantsClaim.replace('custom:', '')]: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of roles) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: `claim-followup ${role}s` });
    }
    this.client = this.userPool.addClient('WebClient', {
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      // Users can read their tenant list but only administrators (through the admin API) can change it.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(tenantsClaim.replace('custom:', '')),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: false }),
    });

    this.handler = new FollowupFunction(this, 'Api', {
      ...props.functionProps,
      handler: 'api',
      description: 'Biller and manager HTTP API',
      // API Gateway HTTP APIs wait 30 s at most; a settings preview of a large tenant uses up to 25 s of it.
      timeout: Duration.seconds(29),
      memorySize: 1024,
    }).bindTable(props.table);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.functionProps.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.functionProps.logKey,
    });
    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`,
      { jwtAudience: [this.client.userPoolClientId], identitySource: ['$request.header.Authorization'] },
    );
    const integration = new HttpLambdaIntegration('ApiIntegration', this.handler);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'claim-followup biller API',
      defaultAuthorizer: authorizer,
      defaultIntegration: integration,
      createDefaultStage: true,
    });
    // Open routes, the `access: 'public'` declarations: health for uptime checks, the API's own description for client generators.
    for (const { method, path } of publicRoutes) {
      this.httpApi.addRoutes({ path, methods: [apigw.HttpMethod[method]], integration, authorizer: new apigw.HttpNoneAuthorizer() });
    }
    const stage = this.httpApi.defaultStage!.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      // No path or query string: paths carry internal claim ids only, but nothing here needs them.
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        user: '$context.authorizer.claims.sub',
        error: '$context.authorizer.error',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };
  }
}
