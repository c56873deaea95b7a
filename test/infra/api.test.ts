import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../functions/handlers/survey-page/http.ts';
import { EXECUTE_API_LINKS_WARNING } from '../../lib/api.ts';
import { DEFAULT_API_THROTTLE } from '../../lib/config.ts';
import { buildApp, reservedSenderWarning } from '../../lib/csat-app.ts';
import { exportName } from '../../lib/shared-resources.ts';
import { programme } from '../../programme/index.ts';
import {
  CDK_JSON_CONTEXT,
  functionsOf,
  id,
  resourcesOf,
  type Synthesised,
  synthCsat,
  TEST_CONTEXT,
} from './synth.ts';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7';

describe('HTTP API', () => {
  let s: Synthesised;
  let withDomain: Synthesised;
  let elsewhere: Synthesised;

  beforeAll(() => {
    s = synthCsat();
    withDomain = synthCsat({
      domainName: 'survey.example.com',
      certificateArn: CERTIFICATE,
      apiRateLimit: '300',
      apiBurstLimit: 600,
    });
    elsewhere = synthCsat({ publicBaseUrl: 'https://cdn.example.com/csat' });
  });

  const resources = () => resourcesOf(s.statelessTemplate);
  const envOf = (of: Synthesised, name: 'survey-page' | 'send' | 'report') =>
    resourcesOf(of.statelessTemplate)[id(functionsOf(of)[name].fn)]!.Properties.Environment.Variables;

  it('should route GET, HEAD and POST of /s, /u, /a and /v/{token}, GET and HEAD /r/{token}, and nothing else, to the survey page', () => {
    // Arrange
    const routes = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route'));

    // Act
    const targets = routes.map((r) => {
      const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
      return [r.Properties.RouteKey, resources()[integrationId]!.Properties.IntegrationUri] as const;
    });

    // Assert
    expect(targets.map(([key]) => key).sort()).toEqual([
      'GET /a/{token}',
      'GET /r/{token}',
      'GET /s/{token}',
      'GET /u/{token}',
      'GET /v/{token}',
      'HEAD /a/{token}',
      'HEAD /r/{token}',
      'HEAD /s/{token}',
      'HEAD /u/{token}',
      'HEAD /v/{token}',
      'POST /a/{token}',
      'POST /s/{token}',
      'POST /u/{token}',
      'POST /v/{token}',
    ]);
    // The same routes the handler and the local bridge know.
    expect(targets.map(([key]) => key).sort()).toEqual([...ROUTES].sort());
    for (const [, uri] of targets)
      expect(uri).toEqual({ 'Fn::GetAtt': [id(functionsOf(s)['survey-page'].fn), 'Arn'] });
  });

  it('should throttle the default stage and log access without the token or the client address', () => {
    // Arrange
    const stage = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Stage'));

    // Act
    const [props] = stage.map((st) => st.Properties);
    const format = JSON.parse(props.AccessLogSettings.Format);

    // Assert
    expect(props).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: DEFAULT_API_THROTTLE.burstLimit,
      },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
    });
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey' });
    expect(Object.values(format).join(' ')).not.toMatch(/\$context\.(path|identity|rawPath)/);
  });

  it('should throttle at apiRateLimit and apiBurstLimit when they are set', () => {
    withDomain.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 300, ThrottlingBurstLimit: 600 },
    });
  });

  describe('custom domain', () => {
    it('should keep the domain in the stateful stack, regional, with the certificate and TLS 1.2', () => {
      withDomain.statefulTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'survey.example.com',
        DomainNameConfigurations: [
          { CertificateArn: CERTIFICATE, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
        ],
      });
      withDomain.statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
      s.statefulTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    });

    it('should output the regional target the DNS record points at', () => {
      const domain = id(withDomain.stateful.apiDomain!);
      withDomain.statefulTemplate.hasOutput('ApiDomainTarget', {
        Value: { 'Fn::GetAtt': [domain, 'RegionalDomainName'] },
      });
      withDomain.statefulTemplate.hasOutput('ApiDomainHostedZoneId', {
        Value: { 'Fn::GetAtt': [domain, 'RegionalHostedZoneId'] },
      });
    });

    it('should map the stateless stack’s API to the imported domain, on the $default stage', () => {
      withDomain.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
        ApiId: { Ref: id(withDomain.stateless.api) },
        DomainName: { 'Fn::ImportValue': exportName('Csat', 'apiDomainName') },
        Stage: '$default',
      });
      s.statelessTemplate.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    });

    it('should build links on https://<domainName>, and on publicBaseUrl when that is set', () => {
      for (const name of ['survey-page', 'send', 'report'] as const) {
        expect(envOf(withDomain, name).PUBLIC_BASE_URL).toBe('https://survey.example.com');
        expect(envOf(elsewhere, name).PUBLIC_BASE_URL).toBe('https://cdn.example.com/csat');
        expect(envOf(s, name).PUBLIC_BASE_URL).toEqual({
          'Fn::GetAtt': [id(s.stateless.api), 'ApiEndpoint'],
        });
      }
      withDomain.statelessTemplate.hasOutput('PublicBaseUrl', { Value: 'https://survey.example.com' });
    });
  });

  describe('links on the execute-api URL', () => {
    it('should warn, as an annotation and on stderr, that emailed links die with the stack', () => {
      // Act: the default synth has neither domainName nor publicBaseUrl.
      const annotations = Annotations.fromStack(s.stateless);

      // Assert
      annotations.hasWarning(
        '/CsatStateless',
        Match.stringLikeRegexp('every link already emailed stops working'),
      );
      // The example programme sends from example.com, which synth warns about first.
      expect(s.warnings).toEqual([
        `WARNING ${reservedSenderWarning('example.com')}`,
        `WARNING ${EXECUTE_API_LINKS_WARNING}`,
      ]);
      expect(EXECUTE_API_LINKS_WARNING).toMatch(/domainName and certificateArn.*publicBaseUrl/);
    });

    it('should not warn when the links have a domain', () => {
      for (const quiet of [withDomain, elsewhere]) {
        expect(quiet.warnings).toEqual([`WARNING ${reservedSenderWarning('example.com')}`]);
        Annotations.fromStack(quiet.stateless).hasNoWarning('*', Match.stringLikeRegexp('execute-api'));
      }
    });

    it('should print the warning on the process’s stderr when nobody takes it', () => {
      // Arrange
      const written: string[] = [];
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
        written.push(String(text));
        return true;
      });

      // Act
      try {
        buildApp(programme, {
          context: { ...CDK_JSON_CONTEXT, ...TEST_CONTEXT, 'aws:cdk:bundling-stacks': [] },
          builtinCloudFormationValidation: false,
        });
      } finally {
        stderr.mockRestore();
      }

      // Assert
      expect(written).toContainEqual(`WARNING ${EXECUTE_API_LINKS_WARNING}\n`);
    });
  });
});
