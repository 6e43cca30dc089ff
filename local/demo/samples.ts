import { readFileSync } from 'node:fs';

/** Reads one of the project's sample edXML files, as bytes. */
export function readSample(file: string): Uint8Array {
  return readFileSync(new URL(`../../samples/edxml/${file}`, import.meta.url));
}
