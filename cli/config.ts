import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AxisClient } from '#shared/client/AxisClient';
import { type Io, text, UsageError } from './io';

/** Flags that override LIENTHONG_URL, _AGENCY, _KEY_ID and _KEY_FILE. */
export const AGENCY_OPTIONS = {
  url: { type: 'string' },
  agency: { type: 'string' },
  'key-id': { type: 'string' },
  'key-file': { type: 'string' },
} as const;

/** An agency's settings for talking to the axis, from flags first, then the environment. */
export interface AgencySettings {
  readonly url: string;
  readonly agencyId: string;
  readonly keyId: string;
  readonly keyFile: string;
}

/** Reads the four settings; a missing one is a usage error naming flag and variable. */
export function agencySettings(io: Io, values: Record<string, unknown>): AgencySettings {
  const pick = (flag: string, variable: string) => {
    const value = text(values, flag) ?? io.env[variable];
    if (!value) throw new UsageError(`missing --${flag} (or ${variable})`);
    return value;
  };
  return {
    url: pick('url', 'LIENTHONG_URL'),
    agencyId: pick('agency', 'LIENTHONG_AGENCY'),
    keyId: pick('key-id', 'LIENTHONG_KEY_ID'),
    keyFile: pick('key-file', 'LIENTHONG_KEY_FILE'),
  };
}

/**
 * A signing client for the agency. The key file's content never appears in
 * an error: a key that does not parse is reported by path only.
 */
export function agencyClient(io: Io, values: Record<string, unknown>): AxisClient {
  const settings = agencySettings(io, values);
  let pem: Buffer;
  try {
    pem = readFileSync(settings.keyFile);
  } catch {
    throw new UsageError(`cannot read the key file ${settings.keyFile}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new UsageError(`${settings.keyFile} is not a PEM private key`);
  }
  return new AxisClient(settings.url, {
    agencyId: settings.agencyId,
    keyId: settings.keyId,
    privateKey,
  });
}
