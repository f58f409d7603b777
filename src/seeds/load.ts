import fs from 'node:fs';
import path from 'node:path';
import { Alias, Document, isCollection, isMap, isScalar, LineCounter, Node as YamlNode, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { SeedFile, seedFileSchema } from './schema';

export type SeedPath = ReadonlyArray<string | number>;

/** A place in a seed file, for error messages: file, YAML path, and (resolved lazily) line and column. */
export interface SeedLocation {
  file: ParsedSeedFile;
  path: SeedPath;
}

export interface ParsedSeedFile {
  /** Path relative to the current directory, as printed in errors. */
  name: string;
  document: Document;
  lineCounter: LineCounter;
  data: SeedFile;
}

export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 50);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    super(`The seed data is invalid; nothing was written:\n  ${shown.join('\n  ')}${more}`);
    this.name = 'SeedError';
  }
}

function displayPath(segments: SeedPath): string {
  return segments.reduce<string>(
    (shown, segment) => (typeof segment === 'number' ? `${shown}[${segment}]` : shown ? `${shown}.${segment}` : segment),
    '',
  );
}

/** Where a location is, as "file:line:column: path", for a message that points back at it. */
export function locationText(location: SeedLocation): string {
  return describeLocation(location, '').replace(/: $/, '');
}

/**
 * "file:line:column: path: message". The path may run past what the file holds (a missing field, or
 * the `claims` form a plain value is rewritten to): the line is then that of the deepest node present.
 * `at`, an offset in the file, places the line elsewhere than the path's node (an unknown key of it).
 */
export function describeLocation(location: SeedLocation, message: string, at?: number): string {
  const { document, lineCounter, name } = location.file;
  let node: unknown = undefined;
  const present: Array<string | number> = [];
  for (const segment of location.path) {
    const candidate = document.getIn([...present, segment], true);
    if (candidate === undefined) break;
    present.push(segment);
    node = candidate;
  }
  const offset = at ?? (node as YamlNode | undefined)?.range?.[0] ?? (document.contents as YamlNode | null)?.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  const shownPath = displayPath(location.path.filter((segment, index) => index < present.length || segment !== 'claims'));
  return `${name}:${line}:${col}: ${shownPath ? `${shownPath}: ` : ''}${message}`;
}

function describeIssue(file: ParsedSeedFile, issue: z.core.$ZodIssue): string {
  // A plain value is validated as `{ claims: [{ value }] }`: show the path the author wrote.
  const written: Array<string | number> = [];
  const issuePath = issue.path as Array<string | number>;
  for (let index = 0; index < issuePath.length; index++) {
    const segment = issuePath[index];
    const present = file.document.getIn([...written, segment], true) !== undefined;
    if (!present && (segment === 'claims' || segment === 'value' || (typeof segment === 'number' && issuePath[index - 1] === 'claims'))) {
      continue;
    }
    written.push(segment);
  }
  let message = issue.message;
  let at: number | undefined;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    // zod places the issue on the mapping that holds the keys: the line is that of the first unknown key.
    const mapping = file.document.getIn(written, true) ?? (written.length === 0 ? file.document.contents : undefined);
    const pair = isMap(mapping) ? mapping.items.find((item) => isScalar(item.key) && item.key.value === issue.keys[0]) : undefined;
    at = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) message = `must be one of ${issue.values.join(', ')}`;
  // A claim written as a mapping without its `value` (misspelt, say): say that, not what a value must be.
  if (issuePath[issuePath.length - 1] === 'value' && isMap(file.document.getIn(written, true)) && !file.document.hasIn([...written, 'value'])) {
    message = 'needs a "value"';
  }
  return describeLocation({ file, path: written }, message, at);
}

/** An alias that could not be expanded, at the alias (the YAML library says neither file nor line). */
function aliasProblem(name: string, document: Document, lineCounter: LineCounter, error: Error): string {
  let unresolved: Alias | undefined;
  visit(document, {
    Alias(_key, node) {
      if (!node.resolve(document)) {
        unresolved = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (unresolved?.range) {
    const { line, col } = lineCounter.linePos(unresolved.range[0]);
    return `${name}:${line}:${col}: YAML alias *${unresolved.source} names no anchor &${unresolved.source} set before it`;
  }
  return `${name}:1:1: YAML aliases: ${error.message.split('\n')[0]}`;
}

/** Reads and validates one seed file; every problem comes back with its file, line and column. */
export function parseSeedFile(filePath: string, problems: string[]): ParsedSeedFile | undefined {
  const relative = path.relative(process.cwd(), filePath);
  const name = relative && !relative.startsWith('..') ? relative : filePath;
  const lineCounter = new LineCounter();
  const document = parseDocument(fs.readFileSync(filePath, 'utf8'), { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      problems.push(`${name}:${line}:${col}: YAML syntax: ${error.message.split('\n')[0]}`);
    }
    return undefined;
  }
  const file: ParsedSeedFile = { name, document, lineCounter, data: {} };
  let raw: unknown;
  try {
    // Aliases (`source: *article`) are how seed files repeat a value; the default cap of 100 is for
    // untrusted YAML that expands without bound.
    raw = document.toJS({ maxAliasCount: 10_000 }) ?? {};
  } catch (error) {
    problems.push(aliasProblem(name, document, lineCounter, error as Error));
    return undefined;
  }
  if (!isCollection(document.contents) && document.contents !== null) {
    problems.push(`${name}:1:1: a seed file must be a mapping of sections (sources, territories, organisations, programmes, projects)`);
    return undefined;
  }
  const parsed = seedFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(file, issue));
    return undefined;
  }
  file.data = parsed.data;
  return file;
}

/**
 * Every `*.yaml`/`*.yml` file of a folder, in name order. A folder with none is an error: seeding it would
 * write nothing and say it had, when the folder named was most likely the wrong one.
 */
export function listSeedFiles(directory: string): string[] {
  if (!fs.existsSync(directory)) throw new SeedError([`${directory}: no such folder`]);
  if (!fs.statSync(directory).isDirectory()) throw new SeedError([`${directory}: not a folder (give the folder that holds the seed files)`]);
  const files = fs
    .readdirSync(directory)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()
    .map((entry) => path.join(directory, entry));
  // (statSync follows a link to a file.)
  const notFiles = files.filter((file) => !fs.statSync(file).isFile());
  if (notFiles.length > 0) throw new SeedError(notFiles.map((file) => `${file}: not a file`));
  if (files.length === 0) throw new SeedError([`${directory}: no seed files (*.yaml, *.yml) in this folder`]);
  return files;
}
