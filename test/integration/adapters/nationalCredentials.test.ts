import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HttpNationalAxis } from '#shared/adapters/http/HttpNationalAxis';
import {
  CREDENTIALS_CACHE_MS,
  nationalCredentialsFromSecret,
  SecretsManagerNationalCredentials,
} from '#shared/adapters/secretsmanager/SecretsManagerNationalCredentials';
import { ConfigurationError } from '#shared/config/config';
import { clientSettings } from '../../../local/awsClients';
import { startNationalAxisSimulator } from '../../../local/national/simulator';

/** The test's own client, built from the same environment the adapter reads. */
const admin = new SecretsManagerClient(clientSettings('SECRETS_MANAGER'));
const RUN = randomUUID().slice(0, 8);
const created: string[] = [];

async function createSecret(label: string, value: string): Promise<string> {
  const name = `lienthong-test/${RUN}/${label}`;
  await admin.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  created.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all(
    created.map((name) =>
      admin.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true })),
    ),
  );
  admin.destroy();
});

/** The error `read` fails with, which must be a ConfigurationError. */
async function configurationErrorOf(read: () => Promise<unknown>): Promise<ConfigurationError> {
  const error = await read().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('SecretsManagerNationalCredentials', () => {
  it('reads the system id and secret from the emulated Secrets Manager', async () => {
    const name = await createSecret(
      'good',
      JSON.stringify({ systemId: 'lienthong-prod', secret: 's3cr3t-value' }),
    );

    const credentials = nationalCredentialsFromSecret(name);

    expect(await credentials()).toEqual({ systemId: 'lienthong-prod', secret: 's3cr3t-value' });
  });

  it('keeps what it read for five minutes, then reads the rotated secret', async () => {
    const name = await createSecret('rotating', JSON.stringify({ systemId: 'S', secret: 'old' }));
    let now = 1_000_000;
    const credentials = nationalCredentialsFromSecret(name, { now: () => now });
    expect(await credentials()).toEqual({ systemId: 'S', secret: 'old' });

    await admin.send(
      new PutSecretValueCommand({
        SecretId: name,
        SecretString: JSON.stringify({ systemId: 'S', secret: 'new' }),
      }),
    );
    now += CREDENTIALS_CACHE_MS - 1;
    expect((await credentials()).secret).toBe('old');
    now += 1;
    expect((await credentials()).secret).toBe('new');
  });

  it('shares one read among concurrent callers', async () => {
    const name = await createSecret('shared', JSON.stringify({ systemId: 'S', secret: 'x' }));
    const client = new SecretsManagerClient(clientSettings('SECRETS_MANAGER'));
    const send = vi.spyOn(client, 'send');
    const credentials = nationalCredentialsFromSecret(name, { client });

    const all = await Promise.all([credentials(), credentials(), credentials()]);

    expect(all).toEqual([0, 1, 2].map(() => ({ systemId: 'S', secret: 'x' })));
    expect(send).toHaveBeenCalledTimes(1);
    client.destroy();
  });

  it.each([
    ['not JSON', 'systemId=S;secret=hunter2-value', 'it is not JSON'],
    ['not an object', '["hunter2-value"]', 'it is not a JSON object'],
    ['missing secret', '{"systemId":"hunter2-value"}', '"secret" missing or empty'],
    ['empty fields', '{"systemId":" ","secret":"","x":"hunter2-value"}', '"systemId" and "secret"'],
  ])(
    'refuses a secret that is %s, naming the secret but not its value',
    async (label, value, problem) => {
      const name = await createSecret(label.replaceAll(' ', '-'), value);

      const error = await configurationErrorOf(() => nationalCredentialsFromSecret(name)());

      expect(error.message).toContain(
        `secret ${name} must hold JSON {"systemId": "...", "secret": "..."}`,
      );
      expect(error.message).toContain(problem);
      expect(error.message).not.toContain('hunter2');
      expect(error.cause).toBeUndefined();
    },
  );

  it('says a missing secret does not exist, and reads it once it does', async () => {
    const name = `lienthong-test/${RUN}/late`;
    const credentials = new SecretsManagerNationalCredentials(name).get;

    const error = await configurationErrorOf(() => credentials());
    expect(error.message).toBe(`secret ${name} does not exist`);

    await createSecret('late', JSON.stringify({ systemId: 'S', secret: 'late' }));
    expect(await credentials()).toEqual({ systemId: 'S', secret: 'late' });
  });

  it('signs HttpNationalAxis calls with the credentials it reads', async () => {
    const name = await createSecret(
      'wired',
      JSON.stringify({ systemId: 'lienthong-wired', secret: 'wired-secret' }),
    );
    const simulator = await startNationalAxisSimulator({
      systems: [{ systemId: 'lienthong-wired', secret: 'wired-secret', agencies: [] }],
      nationalAgencies: [{ agencyId: '000.00.00.G22', name: 'Văn phòng Chính phủ' }],
      simulatedAgencies: [],
    });
    try {
      const axis = new HttpNationalAxis(simulator.url, nationalCredentialsFromSecret(name));
      expect(await axis.listAgencies()).toEqual([
        { agencyId: '000.00.00.G22', name: 'Văn phòng Chính phủ' },
      ]);
    } finally {
      await simulator.stop();
    }
  });
});
