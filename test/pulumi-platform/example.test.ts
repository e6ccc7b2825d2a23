/* eslint-disable import/order */
// The mocks must be installed before any module that creates resources is loaded.
import { installRecordingMocks, settle, valueOf } from './mock-runtime';
const monitor = installRecordingMocks('kestra-pulumi-example');

import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'pulumi');

test('examples/pulumi/index.ts type-checks with its own tsconfig', () => {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(EXAMPLE, 'tsconfig.json'), { noEmit: true }, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(errors).toEqual([]);
});

describe('examples/pulumi/index.ts under mocks', () => {
  let stack: Record<string, pulumi.Output<unknown>>;
  beforeAll(() => {
    pulumi.runtime.setAllConfig({ 'kestra-pulumi-example:kestraUrl': 'http://localhost:8080' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    stack = require(path.join(EXAMPLE, 'index.ts'));
  });

  test('exports the platform outputs', async () => {
    expect(await valueOf(stack.apiUrl)).toBe('http://kestra.kestra.svc.cluster.local:8080');
    expect(await valueOf(stack.serviceName)).toBe('kestra');
    expect(await valueOf(stack.kestraNamespaceName)).toBe('kestra');
  });

  test('registers the platform, its objects and the three Kestra resources after it', async () => {
    await valueOf(stack.apiUrl);
    await settle(monitor);
    const regs = monitor.registrations;
    const platform = regs.find((r) => r.type === 'kestra-constructs:index:KestraPlatform')!;
    const children = regs.filter((r) => r.parent === platform.urn);
    expect(children.map((r) => r.inputs.kind)).toEqual(expect.arrayContaining(['Deployment', 'StatefulSet', 'Service', 'ConfigMap']));
    expect(children.filter((r) => r.inputs.kind === 'Namespace').map((r) => r.inputs.metadata.name)).toEqual(['kestra']);
    const deployment = children.find((r) => r.inputs.kind === 'Deployment')!;
    for (const name of ['greeting', 'hello-script', 'hello']) {
      const resource = regs.find((r) => r.name === name && r.type.startsWith('pulumi-nodejs:dynamic'))!;
      expect(resource).toBeDefined();
      expect(resource.dependencies).toContain(deployment.urn);
    }
    const flow = regs.find((r) => r.name === 'hello' && r.type.startsWith('pulumi-nodejs:dynamic'))!;
    expect(flow.inputs.source).toContain('id: hello');
    expect(flow.inputs.connection.url).toBe('http://localhost:8080');
    expect(flow.dependencies).toEqual(expect.arrayContaining(['greeting', 'hello-script'].map((n) => regs.find((r) => r.name === n)!.urn)));
  });

  test('no database password reaches the program or its state', async () => {
    await valueOf(stack.apiUrl);
    await settle(monitor);
    expect(monitor.registrations.filter((r) => r.inputs.kind === 'Secret')).toEqual([]);
    expect(monitor.registrations.some((r) => r.inputs.kind === 'Job' && r.inputs.metadata.name === 'kestra-postgres-credentials')).toBe(true);
  });
});
