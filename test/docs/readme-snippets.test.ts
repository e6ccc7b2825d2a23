import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every TypeScript snippet in the README must compile against the package's real API, so the
 * documentation cannot drift from the code. Snippets are fragments: names they use without
 * declaring (a `chart`, a `url`) are declared as `any`, which leaves every call, property and
 * option of the package fully type-checked.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PRELUDE = [
  'import { Kestra, KestraMode, KestraDatabase, KestraStorage, KestraTaskRunner, KestraScratchVolume, KestraOperator, KestraCrds, OperatorCredentials,',
  "  KestraFlow, KestraFlows, KestraKeyValue, KestraNamespaceFile, KestraNamespaceFiles } from 'kestra-constructs';",
  "import { App, Chart } from 'cdk8s';",
].join('\n');
// "Cannot find name", "Did you mean", "No value exists in scope for the shorthand property".
const UNDECLARED = new Set([2304, 2552, 18004]);

function snippets(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function compile(files: Map<string, string>): readonly ts.Diagnostic[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    paths: { 'kestra-constructs': ['lib/index.ts'], 'kestra-constructs/pulumi': ['lib/pulumi/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].flatMap((name) => ts.getPreEmitDiagnostics(program, program.getSourceFile(name)));
}

test('every TypeScript snippet of the README compiles against the package', () => {
  const texts = snippets();
  expect(texts.length).toBeGreaterThan(8);
  // Served from memory under the repository, so imports resolve from its node_modules; never written.
  const dir = path.join(ROOT, 'test', 'docs', 'readme-snippets');
  const files = new Map(texts.map((text, i) => [
    path.join(dir, `snippet${i}.ts`),
    `export {};\n${/^import /m.test(text) ? '' : `${PRELUDE}\n`}${text}`,
  ]));
  // First pass: declare what each fragment leaves to its reader; second pass: nothing else may fail.
  for (const diagnostic of compile(files)) {
    if (!UNDECLARED.has(diagnostic.code) || !diagnostic.file || diagnostic.start === undefined) continue;
    const name = /'([\w$]+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))?.[1];
    const text = files.get(diagnostic.file.fileName)!;
    if (name && !text.includes(`declare const ${name}:`)) files.set(diagnostic.file.fileName, `declare const ${name}: any;\n${text}`);
  }
  const errors = compile(files).map((d) => `${path.basename(d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(errors).toEqual([]);
});

test('README snippets synthesize the same manifests every time: no clock or randomness in values', () => {
  // A `new Date()` or `Math.random()` value changes the manifest at every synth (and the operator rewrites the object).
  const unstable = snippets().flatMap((text) => text.split('\n'))
    .filter((line) => /new Date\(\s*\)|Date\.now\(|Math\.random\(|randomUUID\(/.test(line));
  expect(unstable).toEqual([]);
});
