/**
 * npm run directory:import -- FILE.json [--prune]
 *
 * Imports the national directory of agencies (identifier, name, parent) into
 * the axis's directory table, named by LIENTHONG_NATIONAL_DIRECTORY_TABLE as
 * in the stack's outputs. The file is a JSON array of
 * `{ "id": "000.00.00.G22", "name": "Văn phòng Chính phủ", "parentId": null }`.
 * Entries already stored and unchanged are not written again; with --prune,
 * entries missing from the file are removed. Connected agencies (their keys
 * and channels) are not touched: they are registered with agency:register.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isAxisError } from '#shared/domain/AxisError';
import { dependencies } from '#shared/runtime/dependencies';
import { parseDirectoryFile, syncDirectory } from '#shared/services/importDirectory';

const USAGE = 'usage: npm run directory:import -- FILE.json [--prune]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { prune: { type: 'boolean', default: false } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const entries = parseDirectoryFile(readFileSync(file, 'utf8'));
  const result = await syncDirectory(
    { nationalDirectory: dependencies().nationalDirectory, clock: { now: () => new Date() } },
    entries,
    { prune: values.prune ?? false },
  );
  console.log(
    `directory: ${entries.length} in file, ${result.added} added, ${result.updated} updated, ` +
      `${result.unchanged} unchanged, ${result.removed} removed`,
  );
  if (result.unknownParents.length > 0) {
    console.warn(`parents not in the directory: ${result.unknownParents.join(', ')}`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(isAxisError(error) ? error.message : error);
    process.exitCode = 1;
  },
);
