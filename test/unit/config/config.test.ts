import { describe, expect, it } from 'vitest';
import { ConfigurationError, readConfig } from '#shared/config/config';
import { ENV } from '#shared/config/wiring';

describe('the national axis settings', () => {
  const urlOf = (value: string | undefined) =>
    readConfig({ [ENV.nationalAxisUrl]: value }).nationalAxisUrl;

  it('reads an https URL without its trailing slash, and no URL as not linked', () => {
    expect(urlOf('https://national.example.gov.vn/api/')).toBe(
      'https://national.example.gov.vn/api',
    );
    expect(urlOf(undefined)).toBeUndefined();
    expect(urlOf('  ')).toBeUndefined();
  });

  it('takes plain http only for a simulator on this machine', () => {
    expect(urlOf('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
    expect(urlOf('http://localhost:4000/')).toBe('http://localhost:4000');
    // Answers are not signed: over plain HTTP anyone on the path could inject documents.
    expect(() => urlOf('http://national.example.gov.vn')).toThrow(ConfigurationError);
    expect(() => urlOf('ftp://national.example.gov.vn')).toThrow(ConfigurationError);
    expect(() => urlOf('not a url')).toThrow(/is not a URL/);
  });

  it('accepts only the three signature policies for national documents', () => {
    expect(readConfig({}).nationalSignaturePolicy).toBe('optional');
    expect(readConfig({ [ENV.nationalSignaturePolicy]: 'report' }).nationalSignaturePolicy).toBe(
      'report',
    );
    expect(
      () => readConfig({ [ENV.nationalSignaturePolicy]: 'none' }).nationalSignaturePolicy,
    ).toThrow(/must be one of required, optional, report/);
  });
});
