/**
 * The layout's rules, checked on the source itself: no import cycles, no file over 500 lines, workflows
 * started by reference, activities imported only where they are hosted or proxied, and every registered
 * pipeline's workflow in the sandbox's bundle.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as bundledWorkflows from '../src/pipelines/workflows.js';
import { PIPELINES } from '../src/pipelines/registry.js';
import { REPO_ROOT } from './support/paths.js';

const SRC = join(REPO_ROOT, 'src');
const MAX_LINES = 500;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  target: string;
  typeOnly: boolean;
}

/** Relative imports and re-exports of a module, resolved to files (`.js` specifiers name `.ts` sources). */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) {
    const spec = match[3];
    const base = resolve(dirname(file), spec);
    const target = [base.replace(/\.js$/, '.ts'), join(base, 'index.ts')].find((candidate) => existsSync(candidate));
    if (!target) throw new Error(`${relative(REPO_ROOT, file)} imports ${spec}, which does not resolve`);
    found.push({ target, typeOnly: Boolean(match[2]) });
  }
  return found;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const short = (file: string) => relative(SRC, file);

describe('architecture of src/', () => {
  it('has no import cycles (type-only imports included)', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(short).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const { target } of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: short(file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES);
    assert.deepEqual(long, []);
  });

  it('imports activity implementations only where the worker hosts them (registry and pipeline definitions)', () => {
    const offenders = [...graph]
      .flatMap(([file, imports]) =>
        imports.filter(({ target, typeOnly }) => !typeOnly && target.endsWith('/activities.ts')).map(() => short(file)),
      )
      .filter((file) => !file.endsWith('/pipeline.ts'));
    assert.deepEqual(offenders, []);
  });

  it('keeps the algorithm library pure: src/ml imports nothing outside src/ml', () => {
    const offenders = [...graph]
      .filter(([file]) => short(file).startsWith('ml/'))
      .flatMap(([file, imports]) =>
        imports
          .filter(({ target }) => !short(target).startsWith('ml/'))
          .map(({ target }) => `${short(file)} → ${short(target)}`),
      );
    assert.deepEqual(offenders, []);
  });

  it('starts workflows by function reference, never by a type string', () => {
    const byString = /\b(?:startChild|executeChild|start|execute|signalWithStart)\(\s*['"`]|workflowType:\s*['"`]/;
    const offenders = files.filter((file) => byString.test(readFileSync(file, 'utf8'))).map(short);
    assert.deepEqual(offenders, []);
  });

  it('bundles the workflow of every registered pipeline into the sandbox', () => {
    const bundled = new Set<unknown>(Object.values(bundledWorkflows));
    const missing = PIPELINES.filter((pipeline) => !bundled.has(pipeline.workflow)).map((pipeline) => pipeline.name);
    assert.deepEqual(missing, []);
    assert.equal(
      new Set(PIPELINES.map((pipeline) => pipeline.name)).size,
      PIPELINES.length,
      'pipeline names are unique',
    );
  });
});
