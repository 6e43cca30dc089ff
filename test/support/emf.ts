import { vi } from 'vitest';

/**
 * Captures the CloudWatch EMF lines the handlers write on stdout, parsed,
 * and keeps every other line out of the test output. Call it in
 * `beforeEach`; `vi.restoreAllMocks()` in `afterEach` puts stdout back.
 */
export function captureEmf(): Record<string, unknown>[] {
  const emf: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.includes('"_aws"')) emf.push(JSON.parse(line));
    }
    return true;
  });
  return emf;
}
