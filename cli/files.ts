// Reading the JSON files people hand to the CLI, with errors that name the file and the field.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeZodError } from '../domain/schemas';
import { badInput } from './errors';

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
    throw badInput(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(`${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
