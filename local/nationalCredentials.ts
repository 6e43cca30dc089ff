import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { clientSettings, type EnvMap } from './awsClients';

export interface NationalLinkSettings {
  /** Base URL of the national axis (locally, the simulator on 127.0.0.1). */
  readonly url: string;
  readonly systemId: string;
  readonly secret: string;
  /**
   * Signature policy for documents from the national axis (default: the
   * setting's own, `optional`). The samples carry placeholder signatures, so
   * the demo records them (`report`) rather than refusing them.
   */
  readonly signaturePolicy?: 'required' | 'optional' | 'report';
}

/**
 * Stores the national axis credentials as the deployed stack keeps them: a
 * Secrets Manager secret holding `{"systemId", "secret"}`, read by the
 * functions that talk to the national axis. Returns the secret's ARN and how
 * to delete it.
 */
export async function storeNationalCredentials(
  name: string,
  link: NationalLinkSettings,
  env: EnvMap,
): Promise<{ arn: string; remove: () => Promise<void> }> {
  const client = new SecretsManagerClient(clientSettings('SECRETS_MANAGER', env));
  const created = await client.send(
    new CreateSecretCommand({
      Name: name,
      Description: 'lienthong local: national axis system id and HMAC key',
      SecretString: JSON.stringify({ systemId: link.systemId, secret: link.secret }),
    }),
  );
  const arn = created.ARN ?? name;
  return {
    arn,
    remove: async () => {
      try {
        await client.send(
          new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }),
        );
      } finally {
        client.destroy();
      }
    },
  };
}
