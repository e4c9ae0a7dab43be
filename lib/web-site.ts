// The web app in AWS: a private S3 bucket behind CloudFront (origin access control), the strict CSP and security
// headers of web/security-headers.json as a response headers policy, TLS only, access logs, and the API's paths
// forwarded to API Gateway on the same origin (so the page calls 'self': no CORS, connect-src stays strict). The
// app is built by the asset's bundling at synth (web/build.ts: Vite), so `cdk synth` needs no manual step; its
// `config.json` (Cognito hosted UI domain, app client, redirect URL) is written at deploy time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Aws, DockerImage, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { BillerApi } from './biller-api.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const webDir = fileURLToPath(new URL('../web/', import.meta.url));

/** The one declaration of the app's CSP and headers, shared with the local server (read as data: lib imports no web code). */
interface SecurityHeaders {
  readonly contentSecurityPolicy: Record<string, readonly string[]>;
  readonly headers: Record<string, string>;
}
export const webSecurityHeaders = JSON.parse(readFileSync(new URL('../web/security-headers.json', import.meta.url), 'utf8')) as SecurityHeaders;

export const contentSecurityPolicy = (extraConnect: readonly string[]): string =>
  Object.entries(webSecurityHeaders.contentSecurityPolicy)
    .map(([directive, sources]) => `${directive} ${(directive === 'connect-src' ? [...sources, ...extraConnect] : sources).join(' ')}`)
    .join('; ');

/**
 * The API's paths, as CloudFront path patterns: each first path segment of a declared route (functions/api/routes.ts;
 * test/infra/web-site.test.ts fails when a route is not covered). Everything else is the app's files.
 */
export const apiPathPatterns = ['/health', '/openapi.json', '/me', '/queues*', '/work-items*', '/claims*', '/remittances*', '/runs*', '/reports*', '/config/*', '/files*', '/status-inquiries*'] as const;

export interface WebSiteProps {
  readonly stage: string;
  readonly api: BillerApi;
  /** Days the CloudFront and S3 access logs are kept. */
  readonly logRetentionDays?: number;
}

export class WebSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly logs: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly signInDomain: cognito.UserPoolDomain;
  readonly deployment: s3deploy.BucketDeployment;
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    const retention = Duration.days(props.logRetentionDays ?? 400);

    // CloudFront standard logs need a bucket with ACLs (the log delivery writes objects it owns); S3 access logs
    // need S3-managed encryption. One bucket holds both, under their own prefixes.
    this.logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: retention, noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The built app only (the same files every visitor downloads; no patient data): S3-managed encryption. A KMS key
    // would need a key policy open to every distribution of the account (CDK's OAC cannot name this one without a cycle).
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The hosted UI of the API's user pool: authorization code + PKCE for the app's client.
    this.signInDomain = props.api.userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix: Fn.join('-', ['claim-followup', props.stage, Aws.ACCOUNT_ID]) } });
    const signInOrigin = `https://${this.signInDomain.domainName}.auth.${Stack.of(this).region}.amazoncognito.com`;

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'claim-followup web app: strict CSP (no inline script) and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy([signInOrigin]), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: Object.entries(webSecurityHeaders.headers)
          .filter(([name]) => !['x-content-type-options', 'x-frame-options', 'referrer-policy'].includes(name))
          .map(([header, value]) => ({ header, value, override: true })),
      },
    });

    const apiDomain = Fn.select(2, Fn.split('/', props.api.httpApi.apiEndpoint));
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(apiDomain, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY, originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2] }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Every API answer is about a caller at this moment (the API sends no-store): never cached, headers passed on.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `claim-followup ${props.stage} web app`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns.map((pattern) => [pattern, apiBehavior])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The app's client of the API's user pool (its ID tokens are the ones the API's JWT authorizer accepts):
    // authorization code only (no implicit flow), back to this site.
    const client = props.api.client.node.defaultChild as cognito.CfnUserPoolClient;
    client.allowedOAuthFlowsUserPoolClient = true;
    client.allowedOAuthFlows = ['code'];
    client.allowedOAuthScopes = ['openid', 'email'];
    client.supportedIdentityProviders = ['COGNITO'];
    client.callbackUrLs = [`${this.url}/`];
    client.logoutUrLs = [`${this.url}/`];

    // The built app (Vite, at synth: web/build.ts into the asset's folder), and its deploy-time configuration.
    const app = s3deploy.Source.asset(webDir, {
      exclude: ['node_modules', 'dist'],
      bundling: {
        image: DockerImage.fromRegistry('node:24-slim'),
        command: ['sh', '-c', 'echo "the web app is built locally (node and npm ci are required)" && exit 1'],
        local: {
          tryBundle: (outputDir: string) => {
            execFileSync(process.execPath, ['--import', 'tsx', `${webDir}build.ts`, outputDir], { cwd: repoRoot, stdio: ['ignore', process.stderr, process.stderr] });
            return true;
          },
        },
      },
    });
    const config = s3deploy.Source.jsonData('config.json', { mode: 'cognito', apiUrl: '', cognitoDomain: signInOrigin, clientId: props.api.client.userPoolClientId, redirectUri: `${this.url}/` });
    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [app, config],
      destinationBucket: this.bucket,
      // Old hashed assets stay for pages loaded before the deploy; index.html and config.json are replaced.
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json', '/'],
      memoryLimit: 512,
    });
  }
}
