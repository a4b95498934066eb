import * as fs from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '@rpn/core';

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads and parses a tinyBIG YAML (or JSON) file: the one YAML reader of every `rpn` command.
 * A missing or unreadable file, a YAML syntax error, an alias bomb or a document that is not a
 * mapping (a bare scalar or list) is a one-line {@link ConfigError} naming `argument` and the file.
 */
export function readYaml(file: string, argument = 'CONFIG'): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new ConfigError('config file not found', { argument, expected: 'a path to a tinyBIG YAML file', received: file });
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file: ${firstLine(e)}`, { argument, expected: 'a readable YAML file', received: file });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError(`config file is not valid YAML: ${firstLine(e)}`, { argument, expected: 'YAML', received: file });
  }
  if (!isMapping(doc)) {
    const what = doc === null || doc === undefined ? 'an empty document' : Array.isArray(doc) ? 'a list' : `the ${typeof doc} ${JSON.stringify(doc).slice(0, 60)}`;
    throw new ConfigError('config file is not a YAML mapping', { argument, expected: 'a mapping (configurations: …, model_configs: …, or model_class: …)', received: `${what} in ${file}` });
  }
  return doc;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Finds the model config in a tinyBIG YAML document (the runner's, in @rpn/learn). */
export { modelConfigOf } from '@rpn/learn';
