import { AxisError } from '../domain/AxisError';
import type { Clock, NationalDirectory } from '../domain/ports';
import type { DirectoryEntry } from '../domain/records';

/** One line of the national directory file, as the operator receives it. */
export interface DirectoryFileEntry {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
}

const AGENCY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const NAME_MAX = 300;
/** Pages read when comparing with what is stored: far beyond any real directory. */
const MAX_PAGES = 10_000;
const PAGE = 100;

/**
 * Reads a directory file: a JSON array of `{ id, name, parentId }`. The whole
 * file is refused on the first bad entry, naming it, so that a truncated or
 * mistyped export never half-replaces the directory.
 */
export function parseDirectoryFile(text: string): DirectoryFileEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('the directory file is not JSON');
  }
  return checkDirectoryEntries(value);
}

/**
 * Checks entries in the national directory's shape, from a file or from the
 * national axis's own directory call.
 */
export function checkDirectoryEntries(value: unknown): DirectoryFileEntry[] {
  if (!Array.isArray(value)) throw invalid('the directory file must be a JSON array');
  const seen = new Set<string>();
  const entries = value.map((raw: unknown, index): DirectoryFileEntry => {
    const where = `entry ${index + 1}`;
    if (typeof raw !== 'object' || raw === null) throw invalid(`${where} is not an object`);
    const { id, name, parentId } = raw as Record<string, unknown>;
    if (typeof id !== 'string' || !AGENCY_ID.test(id)) throw invalid(`${where}: bad id`);
    if (seen.has(id)) throw invalid(`${where}: id ${id} appears twice`);
    seen.add(id);
    if (typeof name !== 'string' || name.trim() === '' || name.length > NAME_MAX) {
      throw invalid(`${where} (${id}): name must be text of 1 to ${NAME_MAX} characters`);
    }
    const parent = parentId ?? null;
    if (parent !== null && (typeof parent !== 'string' || !AGENCY_ID.test(parent))) {
      throw invalid(`${where} (${id}): parentId must be an identifier or null`);
    }
    if (parent === id) throw invalid(`${where} (${id}): an agency cannot be its own parent`);
    return { id, name: name.trim(), parentId: parent };
  });
  return entries;
}

export interface DirectorySync {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly removed: number;
  /** Parents named in the file that are not in it: kept, but worth a look. */
  readonly unknownParents: readonly string[];
}

/**
 * Brings the stored directory in line with a file: new and changed entries
 * are written, identical ones left alone (so a re-import writes nothing), and
 * with `prune` entries missing from the file are removed. Without `prune` a
 * partial file can be imported safely.
 */
export async function syncDirectory(
  deps: { nationalDirectory: NationalDirectory; clock: Clock },
  file: readonly DirectoryFileEntry[],
  options: { prune: boolean },
): Promise<DirectorySync> {
  const stored = await readAll(deps.nationalDirectory);
  const importedAt = deps.clock.now().toISOString();
  const changed: DirectoryEntry[] = [];
  let added = 0;
  for (const line of file) {
    const before = stored.get(line.id);
    if (before && before.name === line.name && (before.parentId ?? null) === line.parentId) {
      continue;
    }
    if (!before) added += 1;
    changed.push({
      agencyId: line.id,
      name: line.name,
      ...(line.parentId === null ? {} : { parentId: line.parentId }),
      importedAt,
    });
  }
  const inFile = new Set(file.map((line) => line.id));
  const missing = options.prune ? [...stored.keys()].filter((id) => !inFile.has(id)) : [];
  await deps.nationalDirectory.putAll(changed);
  await deps.nationalDirectory.removeAll(missing);
  const parents = file.flatMap((line) => (line.parentId === null ? [] : [line.parentId]));
  return {
    added,
    updated: changed.length - added,
    unchanged: file.length - changed.length,
    removed: missing.length,
    unknownParents: [...new Set(parents.filter((id) => !inFile.has(id) && !stored.has(id)))],
  };
}

async function readAll(directory: NationalDirectory): Promise<Map<string, DirectoryEntry>> {
  const entries = new Map<string, DirectoryEntry>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const listed = await directory.list({ prefix: '', limit: PAGE, cursor });
    for (const entry of listed.items) entries.set(entry.agencyId, entry);
    cursor = listed.cursor;
    if (cursor === undefined) return entries;
  }
  throw new Error(`the stored directory has more than ${MAX_PAGES * PAGE} entries`);
}

function invalid(message: string): AxisError {
  return new AxisError('INVALID_PARAMETER', message);
}
