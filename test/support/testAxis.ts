import { randomBytes } from 'node:crypto';
import { applyToProcessEnv } from '../../local/processEnv';
import { type ProvisionedAxis, provisionAxis } from '../../local/provision';

/**
 * A resource prefix no other test file or run will use: the emulators (or
 * the account) are shared by every file of a run, and names on a real
 * account outlive a run that crashed.
 */
export function uniquePrefix(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20);
  return `t-${slug || 'x'}-${randomBytes(4).toString('hex')}`;
}

/**
 * Provisions a fresh axis for one test or file and puts its resource names
 * into process.env, where handlers read them; `teardown()` removes both.
 */
export async function provisionTestAxis(
  label: string,
  options: { visibilityTimeoutSeconds?: number } = {},
): Promise<ProvisionedAxis> {
  const axis = await provisionAxis({ prefix: uniquePrefix(label), ...options });
  const restore = applyToProcessEnv(axis.env);
  return {
    ...axis,
    teardown: async () => {
      restore();
      await axis.teardown();
    },
  };
}
