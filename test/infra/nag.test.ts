import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from './synthesize';

/*
 * cdk-nag's AWS Solutions rules over the whole stack. cdk-nag 3 reports
 * through CDK's validation plugins rather than annotations, so the pack is
 * run on the construct tree directly: every finding, error or warning, must
 * be fixed or acknowledged with a reason (cdk/lib/nagAcknowledgements.ts).
 */

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: string[];
}

let findings: Finding[];
beforeAll(() => {
  const { stack } = synthesize();
  const report = new AwsSolutionsChecks().validateScope(stack);
  findings = report.violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity ?? 'unknown',
    paths: violation.violatingResources.map((resource) => resource.constructPath ?? '?'),
  }));
});

describe('AWS Solutions checks', () => {
  it('report no unacknowledged error', () => {
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('report no unacknowledged warning', () => {
    expect(findings.filter((finding) => finding.severity !== 'error')).toEqual([]);
  });

  it('do find an unacknowledged finding', () => {
    // Guards the test itself: a pack that checked nothing would pass above.
    const stack = new Stack(new App(), 'Bare');
    new Bucket(stack, 'Unlogged');
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((violation) => violation.ruleName)).toContain('AwsSolutions-S1');
  });
});
