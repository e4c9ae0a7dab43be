// The web app's hosting in CDK: a private bucket reached only through CloudFront's origin access control, the
// strict CSP and security headers, TLS, logs, the API on the same origin, the app's Cognito client on code + PKCE,
// and the built app deployed (built by the asset's bundling at synth). cdk-nag runs in every synth (stacks.test.ts).
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeDeclarations } from '../../functions/api/routes.js';
import { buildApp, type FollowupApp } from '../../lib/app.js';
import { loadConfig } from '../../lib/config.js';
import { apiPathPatterns, webSecurityHeaders } from '../../lib/web-site.js';
import { contentSecurityPolicy as localCsp, webSecurityHeaders as localHeaders } from '../../local/api-server.js';

const config = loadConfig('dev');
const synthApp = (bundle = false): FollowupApp => buildApp(config, new App({ outdir: mkdtempSync(join(tmpdir(), 'cdk-web-')), context: bundle ? {} : { 'aws:cdk:bundling-stacks': [] } }));

let service: Template;
beforeAll(() => {
  service = Template.fromStack(synthApp().service);
});

const cspOf = (): string => {
  const [policy] = Object.values(service.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  return JSON.stringify(policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
};

describe('the web site', () => {
  it('keeps the app in a private, encrypted (S3-managed: public files only), versioned, logged bucket that only CloudFront reads (origin access control)', () => {
    service.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'AES256' }) })] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
    });
    service.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    service.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) });
    // The bucket policy lets the CloudFront service read, only for this distribution, and refuses plain HTTP.
    const policies = JSON.stringify(service.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toContain('cloudfront.amazonaws.com');
    expect(policies).toContain('AWS:SourceArn');
    expect(policies).toContain('aws:SecureTransport');
  });

  it('serves over TLS only, with a strict CSP (no inline script) and the security headers, and logs every request', () => {
    service.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        // To the API: HTTPS and TLS 1.2 only.
        Origins: Match.arrayWith([Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }) })]),
        Logging: Match.objectLike({ Bucket: Match.anyValue(), Prefix: 'cloudfront/' }),
      }),
    });
    const csp = cspOf();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // The sign-in service is the one other origin the page may call.
    expect(csp).toContain('amazoncognito.com');
    service.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 730 * 86_400, IncludeSubdomains: true }),
        }),
        CustomHeadersConfig: { Items: Match.arrayWith([Match.objectLike({ Header: 'permissions-policy' }), Match.objectLike({ Header: 'cross-origin-opener-policy', Value: 'same-origin' })]) },
      }),
    });
  });

  it('sends the local server the same CSP and headers as CloudFront (one declaration)', () => {
    expect(localHeaders).toEqual(webSecurityHeaders);
    // CloudFront's adds only the sign-in origin to connect-src.
    expect(cspOf()).toContain(localCsp().split('; connect-src ')[0]!);
  });

  it("forwards every API route to API Gateway, uncached, with the caller's headers", () => {
    // Every declared route's path falls under one of the patterns, so the page calls its own origin.
    const covered = (path: string) => apiPathPatterns.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
    expect(routeDeclarations.map((r) => r.path).filter((path) => !covered(path))).toEqual([]);
    const [distribution] = Object.values(service.findResources('AWS::CloudFront::Distribution'));
    const behaviors = distribution!.Properties.DistributionConfig.CacheBehaviors as Array<{ PathPattern: string; CachePolicyId: string; AllowedMethods: string[]; ViewerProtocolPolicy: string }>;
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual([...apiPathPatterns].sort());
    for (const behavior of behaviors) {
      // The managed CachingDisabled policy.
      expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(behavior.AllowedMethods).toContain('POST');
      expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    }
    // The app's own config.json is a file, not the API's /config/settings.
    expect(covered('/config.json')).toBe(false);
  });

  it('signs in through the hosted UI with the authorization code flow only, back to the site', () => {
    service.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    service.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      GenerateSecret: Match.absent(),
      CallbackURLs: [Match.anyValue()],
    });
  });

  it('deploys the built app and its config.json, and invalidates what changes', () => {
    service.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false, DistributionPaths: Match.arrayWith(['/index.html', '/config.json']) });
  });

  it('builds the app as part of synth (the asset bundling runs the Vite build)', () => {
    const { app } = synthApp(true);
    const assembly = app.synth();
    const built = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.') && existsSync(join(assembly.directory, name, 'index.html')));
    expect(built.length).toBe(1);
    const html = readFileSync(join(assembly.directory, built[0]!, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
  }, 120_000);
});
