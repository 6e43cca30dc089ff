import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, inject, test } from 'vitest';
import { clientSettings } from '../../../local/awsClients';
import { startEmulators, wantsEmbeddedEmulators } from '../../../local/emulators';

describe('the endpoint rule', () => {
  test('embeds emulators only when no endpoint is configured and no opt-out is set', () => {
    expect(wantsEmbeddedEmulators({})).toBe(true);
    expect(wantsEmbeddedEmulators({ AWS_ENDPOINT_URL: '' })).toBe(true);
    expect(wantsEmbeddedEmulators({ AWS_REGION: 'eu-west-1', AWS_PROFILE: 'dev' })).toBe(true);
    for (const name of ['SQS', 'S3', 'DYNAMODB', 'KMS']) {
      expect(
        wantsEmbeddedEmulators({ [`AWS_ENDPOINT_URL_${name}`]: 'http://127.0.0.1:4566' }),
      ).toBe(false);
    }
    expect(wantsEmbeddedEmulators({ AWS_ENDPOINT_URL: 'http://localhost:4566' })).toBe(false);
    expect(wantsEmbeddedEmulators({ LIENTHONG_EMULATORS: 'off' })).toBe(false);
    expect(wantsEmbeddedEmulators({ LIENTHONG_EMULATORS: 'on' })).toBe(true);
  });

  test('starts nothing when the environment names an endpoint, and echoes it', async () => {
    const emulators = await startEmulators({
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      AWS_REGION: 'eu-west-1',
    });
    expect(emulators.embedded).toBe(false);
    expect(emulators.env).toEqual({
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    await emulators.stop();
  });

  test('this run uses emulators as the rule says', () => {
    expect(process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL).toBeTruthy();
    expect(typeof inject('embeddedEmulators')).toBe('boolean');
  });
});

describe.runIf(inject('embeddedEmulators'))('embedded emulators', () => {
  test('listen on 127.0.0.1, serve SQS and KMS, and stop', async () => {
    const emulators = await startEmulators({ AWS_REGION: 'eu-west-1' });
    const { env } = emulators;
    try {
      expect(emulators.embedded).toBe(true);
      expect(env.AWS_REGION).toBe('eu-west-1');
      expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();
      expect(env.AWS_EC2_METADATA_DISABLED).toBe('true');
      for (const name of ['SQS', 'S3', 'DYNAMODB', 'KMS']) {
        expect(new URL(env[`AWS_ENDPOINT_URL_${name}`] as string).hostname).toBe('127.0.0.1');
      }
      const sqs = new SQSClient(clientSettings('SQS', env));
      const kms = new KMSClient(clientSettings('KMS', env));
      await sqs.send(new ListQueuesCommand({}));
      const key = await kms.send(
        new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
      );
      expect(key.KeyMetadata?.KeyId).toBeTruthy();
      sqs.destroy();
      kms.destroy();
    } finally {
      await emulators.stop();
    }
    for (const name of ['SQS', 'DYNAMODB', 'KMS']) {
      await expect(fetch(env[`AWS_ENDPOINT_URL_${name}`] as string)).rejects.toThrow();
    }
    await emulators.stop();
  });
});
