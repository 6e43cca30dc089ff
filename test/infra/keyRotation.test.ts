import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, FUNCTIONS, type FunctionName } from '#shared/config/wiring';
import { logicalIdOf, roleStatementsOf, type Synthesized, synthesize } from './synthesize';

const RETIRED = [
  'arn:aws:kms:ap-southeast-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  'arn:aws:kms:ap-southeast-1:123456789012:key/66666666-7777-8888-9999-000000000000',
];

const publishers = (Object.keys(FUNCTIONS) as FunctionName[]).filter((name) =>
  (FUNCTIONS[name].signingKey as readonly string[]).includes('getPublicKey'),
);

describe('a rotated signing key stays published', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize({ 'lienthong:retiredSigningKeyArns': RETIRED.join(',') });
  });

  it('has at least one function that publishes keys', () => {
    expect(publishers.length).toBeGreaterThan(0);
  });

  it.each(publishers)('%s is told the retired keys', (name) => {
    const fn = synth.stack.functions.functions[name];
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Environment: {
        Variables: Match.objectLike({ [ENV.retiredKeyIds]: RETIRED.join(',') }),
      },
    });
    const statements = roleStatementsOf(synth.template, logicalIdOf(synth.stack, fn));
    const onRetired = statements.filter(
      (statement) =>
        JSON.stringify(statement.Resource) === JSON.stringify(RETIRED) &&
        JSON.stringify(statement.Action) === JSON.stringify('kms:GetPublicKey'),
    );
    expect(onRetired).toHaveLength(1);
  });

  it('grants nothing on retired keys to functions that only sign', () => {
    const signers = (Object.keys(FUNCTIONS) as FunctionName[]).filter(
      (name) => !publishers.includes(name),
    );
    for (const name of signers) {
      const fn = synth.stack.functions.functions[name];
      const statements = roleStatementsOf(synth.template, logicalIdOf(synth.stack, fn));
      expect(JSON.stringify(statements)).not.toContain(RETIRED[0]);
    }
  });
});
