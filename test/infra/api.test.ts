import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '#shared/config/wiring';
import { functionEntries, parseRoute } from '../../cdk/lib/declarations';
import type { Synthesized } from './synthesize';
import { arnOf, logicalIdOf, synthesize } from './synthesize';

interface StageThrottle {
  readonly ThrottlingRateLimit: number;
  readonly ThrottlingBurstLimit: number;
}

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

/** Every route in the wiring, paired with the function that declares it. */
const ROUTES: [string, FunctionName][] = functionEntries().flatMap(([name, declaration]) =>
  declaration.routes.map((route): [string, FunctionName] => [route, name]),
);

describe('HTTP API', () => {
  it('has exactly the routes the wiring declares', () => {
    expect(ROUTES.length).toBeGreaterThan(0);
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });

  it.each(ROUTES)('routes %s to the %s function', (routeKey, name) => {
    const { stack, template } = synth;
    const functionLogicalId = logicalIdOf(stack, stack.functions.functions[name]);

    const integrations = Object.keys(
      template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: arnOf(functionLogicalId),
          PayloadFormatVersion: '2.0',
        },
      }),
    );
    expect(integrations).toHaveLength(1);

    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrations[0] }]] },
    });
  });

  it.each(ROUTES)('lets API Gateway invoke the function behind %s', (routeKey, name) => {
    const { stack, template } = synth;
    const escaped = parseRoute(routeKey).path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: arnOf(logicalIdOf(stack, stack.functions.functions[name])),
      SourceArn: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`/\\*/\\*${escaped}$`)])],
      },
    });
  });

  it('serves one access-logged default stage that deploys itself', () => {
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });

  it('throttles the stage, with a burst at least the steady rate', () => {
    const stages = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Stage'));
    const settings = stages[0]?.Properties.DefaultRouteSettings as StageThrottle | undefined;
    expect(settings?.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(settings?.ThrottlingBurstLimit).toBeGreaterThanOrEqual(
      settings?.ThrottlingRateLimit ?? 0,
    );
  });
});
