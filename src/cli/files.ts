import { readFileSync } from 'node:fs';
import { GridPeerError } from '../errors/index.js';

/**
 * Reads a JSON file the user named on the command line.
 * @throws GridPeerError FILE_NOT_FOUND when it cannot be read, INVALID_JSON when it does not parse (both exit 2).
 */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GridPeerError('FILE_NOT_FOUND', `cannot read ${what} ${path}`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GridPeerError('INVALID_JSON', `${what} ${path} is not valid JSON: ${(error as Error).message}`, { path });
  }
}
