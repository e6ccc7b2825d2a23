import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The package root is the cdk8s side: a cdk8s user who never installed Pulumi
 * must be able to require it. Each check runs in a fresh Node process (jest's
 * own module registry would hide real loads) and reports every module request
 * and every cached file that belongs to `@pulumi/*`.
 */
const ROOT = path.resolve(__dirname, '..');

function pulumiModulesLoadedBy(entry: string, touch?: string): string[] {
  const probe = `
    const Module = require('module');
    const seen = new Set();
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      if (/^@pulumi\\//.test(request)) seen.add(request);
      return load.apply(this, arguments);
    };
    const loaded = require(${JSON.stringify(entry)});
    ${touch ? `loaded[${JSON.stringify(touch)}];` : ''}
    for (const file of Object.keys(require.cache)) {
      if (/[\\\\/]node_modules[\\\\/]@pulumi[\\\\/]/.test(file)) seen.add(file);
    }
    process.stdout.write(JSON.stringify([...seen]));
  `;
  const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', probe], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[];
}

test('requiring lib/index.ts loads no @pulumi module', () => {
  expect(pulumiModulesLoadedBy(path.join(ROOT, 'lib', 'index.ts'))).toEqual([]);
});

test('requiring the compiled package root loads no @pulumi module', () => {
  // Compiled afresh, so the check holds for what would be published, whether or not dist/ exists.
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-constructs-dist-'));
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', outDir], { cwd: ROOT });
    // The compiled files resolve their dependencies from the package's node_modules.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
    expect(pulumiModulesLoadedBy(path.join(outDir, 'index.js'))).toEqual([]);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}, 120_000);

test('the probe does see @pulumi when an entry loads it (kestra-constructs/pulumi, whose KestraPlatform loads on use)', () => {
  const loaded = pulumiModulesLoadedBy(path.join(ROOT, 'lib', 'pulumi', 'index.ts'), 'KestraPlatform');
  expect(loaded).toEqual(expect.arrayContaining(['@pulumi/pulumi', '@pulumi/kubernetes']));
});
