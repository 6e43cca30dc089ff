import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '#shared/config/wiring';
import { constructIdOf, functionEntries, parseRoute } from './declarations';

/**
 * Steady-state and burst limits for the whole API. Agencies exchange
 * documents at office pace; the limits cap what a misbehaving client can cost
 * the axis long before they bother a legitimate one.
 */
const THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

/** One JSON object per request, using HTTP API `$context` variables. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/** The functions the API routes to. */
export interface ApiProps {
  readonly functions: Record<FunctionName, IFunction>;
}

/**
 * The HTTP API agencies call: one route per `routes` entry in the wiring,
 * each a Lambda proxy integration to the function that declares it.
 *
 * There is no API authorizer: functions authenticate agencies themselves.
 * The single `$default` stage carries the throttling and the access log.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    // The stage is added by hand because HttpApi's automatic default stage
    // accepts neither throttling nor access-log settings.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: 'lienthong',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    for (const [name, declaration] of functionEntries()) {
      if (declaration.routes.length === 0) {
        continue;
      }
      // One integration per function, shared by its routes; each route still
      // gets its own invoke permission, scoped to that route's path.
      const integration = new HttpLambdaIntegration(
        `${constructIdOf(name)}Integration`,
        props.functions[name],
      );
      for (const route of declaration.routes) {
        const { method, path } = parseRoute(route);
        this.httpApi.addRoutes({ path, methods: [toHttpMethod(method, route)], integration });
      }
    }
  }

  /** The base URL agencies call, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}

function toHttpMethod(method: string, route: string): HttpMethod {
  const known = Object.values(HttpMethod) as string[];
  if (!known.includes(method)) {
    throw new Error(`Route "${route}" has unknown method ${method}`);
  }
  return method as HttpMethod;
}
