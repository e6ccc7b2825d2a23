import * as fs from 'fs';
import * as path from 'path';

// `npm test` runs the projen task `test`; what it executes is in .projen/tasks.json (generated from .projenrc.ts).
const ROOT = path.join(__dirname, '..', '..');
const tasks: Record<string, { steps?: Array<{ exec?: string; execArgs?: string[]; spawn?: string }> }> =
  JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;

/** Every command a task runs, following `spawn`s. */
function commandsOf(task: string, seen = new Set<string>()): string[][] {
  if (seen.has(task)) return [];
  seen.add(task);
  return (tasks[task]?.steps ?? []).flatMap((step) => {
    if (step.spawn) return commandsOf(step.spawn, seen);
    if (step.execArgs) return [step.execArgs];
    if (step.exec) return [step.exec.split(/\s+/)];
    return [];
  });
}

describe('npm test', () => {
  const commands = commandsOf('test');

  test('lints without rewriting sources', () => {
    const eslint = commands.filter((args) => args[0] === 'eslint');
    expect(eslint).toHaveLength(1);
    expect(eslint[0]).not.toContain('--fix');
    expect(eslint[0]).toEqual(expect.arrayContaining(['lib', 'test', 'examples', 'bench']));
  });

  test('writes no snapshots and no source file', () => {
    for (const args of commands) {
      expect(args).not.toContain('--fix');
      expect(args).not.toContain('-u');
      expect(args).not.toContain('--updateSnapshot');
    }
  });

  test('a separate task applies the lint fixes to the same folders', () => {
    const [fix] = commandsOf('eslint:fix');
    const [check] = commands.filter((args) => args[0] === 'eslint');
    expect(fix).toContain('--fix');
    for (const dir of check.filter((arg) => !arg.startsWith('-') && arg !== 'eslint' && arg !== '$@' && arg !== '.ts,.tsx')) {
      expect(fix).toContain(dir);
    }
  });

  test('the package script runs the checking task', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toBe('projen test');
    expect(scripts['eslint:fix']).toBe('projen eslint:fix');
  });
});
