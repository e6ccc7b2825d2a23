import { execFileSync } from 'child_process';
import * as path from 'path';

// `kestra-constructs/pulumi` with the provider resources only: a Pulumi program that manages flows, K/V
// entries and namespace files needs neither cdk8s nor cdk8s-plus-27 nor constructs. Each check runs in a
// fresh Node process, where those modules are made impossible to load.
const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'lib', 'pulumi', 'index.ts');

function run(script: string): any {
  const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') }, encoding: 'utf8',
  });
  return JSON.parse(output);
}

test('the provider resources load and serialize without cdk8s, cdk8s-plus-27 or constructs; KestraPlatform says what it needs', () => {
  const result = run(`
    const Module = require('module');
    const load = Module._load;
    const refused = [];
    Module._load = function (request) {
      if (/^(cdk8s|cdk8s-plus-27|constructs)(\\/|$)/.test(request)) {
        refused.push(request);
        const err = new Error("Cannot find module '" + request + "'");
        err.code = 'MODULE_NOT_FOUND';
        throw err;
      }
      return load.apply(this, arguments);
    };
    const pulumi = require('@pulumi/pulumi');
    const entry = require(${JSON.stringify(ENTRY)});
    const kinds = ['Flow', 'KeyValue', 'NamespaceFile', 'flowProvider', 'keyValueProvider', 'namespaceFileProvider'].map((n) => typeof entry[n]);
    Promise.all([entry.flowProvider, entry.keyValueProvider, entry.namespaceFileProvider]
      .map((p) => pulumi.runtime.serializeFunction(() => p, { allowSecrets: false })))
      .then((serialized) => {
        let platformError = '';
        try { entry.KestraPlatform; } catch (err) { platformError = err.message; }
        process.stdout.write(JSON.stringify({ kinds, sizes: serialized.map((s) => s.text.length), platformError, refusedBeforePlatform: refused.length }));
      });
  `);
  expect(result.kinds).toEqual(['function', 'function', 'function', 'object', 'object', 'object']);
  expect(result.sizes.every((size: number) => size > 1000)).toBe(true);
  expect(result.platformError).toMatch(/^KestraPlatform needs cdk8s(-plus-27)?: npm install cdk8s cdk8s-plus-27 constructs/);
});

test('every value the platform folder exports is reachable through the entry, as the same object', () => {
  const result = run(`
    const entry = require(${JSON.stringify(ENTRY)});
    const platform = require(${JSON.stringify(path.join(ROOT, 'lib', 'pulumi', 'platform', 'index.ts'))});
    const names = Object.keys(platform);
    process.stdout.write(JSON.stringify({ names, missing: names.filter((n) => entry[n] !== platform[n]) }));
  `);
  expect(result.names).toContain('KestraPlatform');
  expect(result.missing).toEqual([]);
});
