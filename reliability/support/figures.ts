/**
 * Each reliability test prints its figures as one line (`reliability <name>: k=v …`), which CI's
 * log keeps, and writes them to reliability/results/<name>.json for the closing note.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = join(import.meta.dirname, '..', 'results');

export function reportFigures(name: string, figures: Record<string, string | number | boolean>) {
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`reliability ${name}: ${line}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, `${name.replace(/[^\w.-]+/g, '-')}.json`),
    `${JSON.stringify({ name, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}
