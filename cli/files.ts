// Reading the JSON files people hand to the CLI, with errors that name the file and the field.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeZodError } from '../domain/schemas';
import { withoutQuotedInput } from '../client/json-errors';
import { badInput } from './errors';

export { withoutQuotedInput };

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw badInput(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badInput(`${path}: not valid JSON (${jsonProblem(e, text)})`);
  }
}

/**
 * Why JSON.parse refused `text`, with the line and column when the parser gives a position, and without
 * the piece of the input V8 quotes in its message (`Unexpected token 'J', "Janet Okon"... is not valid
 * JSON`): a file of claimant data must not be echoed back in an error, which may end up in a log.
 */
export function jsonProblem(e: unknown, text: string, what = 'the file'): string {
  if (text.trim() === '') return `${what} is empty`;
  const message = e instanceof Error ? e.message : String(e);
  const position = /\bat position (\d+)/.exec(message);
  let reason = withoutQuotedInput(message)
    .replace(/ in JSON at position \d+[\s\S]*$/, '')
    .replace(/ at position \d+[\s\S]*$/, '');
  if (!reason) reason = 'not a JSON text';
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    reason += ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
  }
  if (/end of JSON input/.test(message) || (position && Number(position[1]) >= text.trimEnd().length))
    reason += `: ${what} ends early (truncated?)`;
  return reason;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(`${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
