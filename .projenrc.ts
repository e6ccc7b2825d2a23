import { JsonFile, javascript, typescript } from 'projen';

const project = new typescript.TypeScriptProject({
  name: 'kestra-constructs',
  description: 'Typed cdk8s constructs and Pulumi components that run the Kestra orchestrator on Kubernetes and keep its flows, key/value entries and namespace files in code.',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  srcdir: 'lib',
  libdir: 'dist',
  entrypoint: 'dist/index.js',
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  vscode: false,
  sampleCode: false,
  license: 'Apache-2.0',
  // cdk8s libraries share one copy of cdk8s/constructs with the app, so they are peers.
  peerDeps: [
    'cdk8s@^2.70.0',
    'cdk8s-plus-27@^2.9.5',
    'constructs@^10.3.0',
    // Only kestra-constructs/pulumi needs these; 3.249 and later require Node 22.
    '@pulumi/pulumi@^3.142.0',
    '@pulumi/kubernetes@^4.18.0',
  ],
  // The development copies are chosen below, not pinned to the lowest peer version.
  peerDependencyOptions: { pinnedDevDependency: false },
  deps: ['js-yaml@^4.1.0', 'yaml@^2.8.0'],
  devDeps: [
    // TypeScript 7 (native port) breaks ts-node, ts-jest and projen.
    'typescript@~5.9',
    '@types/node@^20',
    '@types/js-yaml@^4',
    'ts-node@^10.9.2',
    // 5.x is ESM-only and cannot load under CommonJS jest.
    'kubernetes-models@^4.5.1',
    'cdk8s-cli@^2',
    'ajv@^8.17.0',
    'openapi-backend@^5.11.0',
    'cdk8s@^2.70.0',
    'cdk8s-plus-27@^2.9.5',
    // cdk8s-plus-27 needs constructs 10.3.
    'constructs@^10.3.0',
    // 3.249 and later require Node 22.
    '@pulumi/pulumi@>=3.240.0 <3.249.0',
    '@pulumi/kubernetes@^4.23.0',
  ],
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'bench', 'projenrc'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },
  jestOptions: {
    jestConfig: {
      testTimeout: 60_000,
    },
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
  },
  // Types are checked once by `tsc` (typecheckTests); jest then only transpiles, which keeps CI to minutes.
  typecheckTests: true,
  tsJestOptions: {
    transformOptions: { tsconfig: typescript.TsJestTsconfig.fromFile('tsconfig.jest.json') },
  },
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      esModuleInterop: true,
      skipLibCheck: true,
    },
  },
  // One dev tsconfig at the root covers tests, examples and benches alike.
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      esModuleInterop: true,
      skipLibCheck: true,
    },
    include: ['examples/**/*.ts', 'bench/**/*.ts'],
    exclude: ['dist', 'cdk.out', 'bench/out'],
  },
  gitignore: ['/cdk.out', '*.k8s.yaml', '/bench/out'],
});

// The root entry loads only cdk8s code; the Pulumi part lives behind its own subpath.
project.package.addField('exports', {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './pulumi': { types: './dist/pulumi/index.d.ts', default: './dist/pulumi/index.js' },
  './package.json': './package.json',
});
project.package.addField('engines', { node: '>=20' });
project.package.addField('peerDependenciesMeta', {
  '@pulumi/pulumi': { optional: true },
  '@pulumi/kubernetes': { optional: true },
});

// Fixtures are compared byte for byte (line endings included): store them verbatim.
project.gitattributes.addAttributes('/test/fixtures/**', '-text');

new JsonFile(project, 'tsconfig.jest.json', {
  obj: { extends: './tsconfig.dev.json', compilerOptions: { isolatedModules: true } },
});

project.addTask('synth', {
  description: 'Synthesize the default example app (examples/standalone) into dist/*.k8s.yaml',
  exec: 'ts-node -P tsconfig.dev.json examples/standalone/main.ts',
});

project.synth();
