import { App } from 'aws-cdk-lib';
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
