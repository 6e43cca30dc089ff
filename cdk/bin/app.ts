import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LienthongStack } from '../lib/LienthongStack';

const app = new App();

// Unset variables leave the stack environment-agnostic, which is all
// synthesis needs; a deployment pipeline sets both.
new LienthongStack(app, 'Lienthong', {
  description: 'Lienthong: document exchange axis for government agencies',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});

// cdk-nag's AWS Solutions rules run on every synthesis: a new finding stops
// it until it is fixed or acknowledged with a reason (lib/nagAcknowledgements.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
