import { Annotations, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnApiMapping,
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/*
 * Access log fields. The route key, never the path: the path holds the link token, which is as good as
 * the customer's password for their survey. No source IP either (personal data). `status` is what the
 * 429 metric filter (lib/operations.ts) matches: the HTTP API publishes no throttling metric of its own.
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
};

export const EXECUTE_API_LINKS_WARNING =
  'csat: survey, unsubscribe and report links will point at the HTTP API’s own execute-api URL, which ' +
  'dies with the stateless stack: every link already emailed stops working when that stack is replaced. ' +
  'Set domainName and certificateArn (a custom domain the stateful stack keeps) or publicBaseUrl ' +
  '(a domain set up elsewhere) for a production deploy.';

export interface SurveyApiProps {
  throttle: { rateLimit: number; burstLimit: number };
  /** Explicit base URL of the links (a domain set up elsewhere). */
  publicBaseUrl: string | undefined;
  /** The custom domain the stateful stack owns: its name (an imported value) and as configured. */
  domain: { importedName: string; name: string } | undefined;
  removalPolicy: RemovalPolicy;
  /** Where the execute-api warning is printed besides the CDK annotation; stderr by default. */
  warn?: (line: string) => void;
}

/**
 * The HTTP API of the survey, unsubscribe and report links: its $default stage (throttled, access
 * logged), the mapping to the custom domain when there is one, and the base URL links are built from.
 */
export class SurveyApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** What PUBLIC_BASE_URL is: publicBaseUrl, else https://<domainName>, else the execute-api URL. */
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: SurveyApiProps) {
    super(scope, id);
    // The API and its log group keep the ids they had in the stack before this construct existed: a new
    // logical id would be a new API, a new execute-api URL, and dead links for a stack without a domain.
    this.api = new HttpApi(scope, 'Api', {
      description: 'csat survey and unsubscribe pages, report links',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });

    if (props.domain) {
      // The domain lives in the stateful stack (it must outlive this one); only the mapping lives here,
      // so a replaced stateless stack maps its new API to the same name.
      const mapping = new CfnApiMapping(this, 'DomainMapping', {
        apiId: this.api.apiId,
        domainName: props.domain.importedName,
        stage: '$default',
      });
      mapping.addResourceDependency(this.stage.node.defaultChild as CfnStage);
    }

    const domainUrl = props.domain ? `https://${props.domain.name}` : undefined;
    this.publicBaseUrl = props.publicBaseUrl ?? domainUrl ?? this.api.apiEndpoint;
    if (!props.publicBaseUrl && !domainUrl) {
      Annotations.of(Stack.of(this)).addWarningV2('csat:links-on-execute-api', EXECUTE_API_LINKS_WARNING);
      (props.warn ?? ((line) => process.stderr.write(`${line}\n`)))(`WARNING ${EXECUTE_API_LINKS_WARNING}`);
    }
  }

  /** Routes the survey, unsubscribe, report, action and follow-up links to the survey-page function. */
  routeToPages(fn: IFunction): void {
    const pages = new HttpLambdaIntegration('SurveyPageIntegration', fn);
    // HEAD answers as GET does, without the body (link checkers use it); an HTTP API routes it only if asked.
    const withHead = [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST];
    const routes = ['/s/{token}', '/u/{token}'].flatMap((path) =>
      this.api.addRoutes({ path, methods: withHead, integration: pages }),
    );
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Customers open these pages from an email without an account: the HMAC-signed token in the path ' +
          'is the authorisation, checked in constant time by the function.',
      });
    }
    // Corrective actions: an owner's action page, and the customer's follow-up answer (a GET only shows).
    const actionRoutes = ['/a/{token}', '/v/{token}'].flatMap((path) =>
      this.api.addRoutes({ path, methods: withHead, integration: pages }),
    );
    for (const route of actionRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Department heads and customers open these pages from an email without an account: the HMAC-signed, ' +
          'expiring token in the path is the authorisation, checked in constant time by the function, and ' +
          'names one corrective action (and one recipient or follow-up round).',
      });
    }
    // Report links from the managers' email: GET (and HEAD) only, it redirects and changes nothing.
    for (const route of this.api.addRoutes({
      path: '/r/{token}',
      methods: [HttpMethod.GET, HttpMethod.HEAD],
      integration: pages,
    })) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Managers open report links from an email without an account: the HMAC-signed, expiring token in ' +
          'the path is the authorisation, checked in constant time by the function, and names one object ' +
          'under reports/.',
      });
    }
  }
}
