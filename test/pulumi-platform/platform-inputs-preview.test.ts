/* eslint-disable import/order */
// `pulumi preview` before the upstream resources exist: their outputs are unknown.
import { installRecordingMocks, settle } from './mock-runtime';
const monitor = installRecordingMocks('preview', true);

import * as pulumi from '@pulumi/pulumi';
import { KestraDatabase } from '../../lib/platform';
import { KestraPlatform } from '../../lib/pulumi';
import { checkResolvedPlan, inputDependentLeaves } from '../../lib/pulumi/platform/platform-inputs';

// How the SDK sends an unknown value to the engine (sdk/nodejs/runtime/rpc.ts, `unknownValue`).
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** A resource to be created: in a preview its `address` is not known yet. */
class Database extends pulumi.CustomResource {
  declare readonly address: pulumi.Output<string>;
  constructor(name: string) {
    super('test:index:Database', name, { address: undefined });
  }
}

test('a preview with unknown inputs lists every object; only the fields that use them are unknown', async () => {
  const db = new Database('db');
  new KestraPlatform('preview', {
    namespace: 'kestra',
    kestra: (input) => ({
      database: KestraDatabase.postgres({
        url: `jdbc:postgresql://${input(db.address)}:5432/kestra`, username: 'kestra', password: { secretName: 'kestra-db', key: 'password' },
      }),
    }),
  });
  const plain = new KestraPlatform('plain', {
    namespace: 'kestra',
    kestra: { database: KestraDatabase.postgres({ url: 'jdbc:postgresql://db:5432/kestra', username: 'kestra', password: { secretName: 'kestra-db', key: 'password' } }) },
  });
  void plain;
  await settle(monitor);
  const objects = (prefix: string) => monitor.registrations.filter((r) => r.custom && r.name.startsWith(prefix));
  const preview = objects('preview:');
  expect(preview.map((r) => r.name.slice('preview:'.length)).sort()).toEqual(objects('plain:').map((r) => r.name.slice('plain:'.length)).sort());

  const config = preview.find((r) => r.inputs.kind === 'ConfigMap')!;
  expect(JSON.stringify(config.inputs.data)).toContain(UNKNOWN);
  const deployment = preview.find((r) => r.inputs.kind === 'Deployment')!;
  // Known: everything that does not depend on the database address.
  expect(deployment.inputs.metadata).toMatchObject({ name: 'kestra-standalone', namespace: 'kestra' });
  expect(deployment.inputs.spec.template.spec.containers[0].image).toMatch(/^kestra\/kestra:/);
  // Unknown: the configuration checksum, derived from the address.
  expect(deployment.inputs.spec.template.metadata.annotations['checksum/config']).toBe(UNKNOWN);
  const service = preview.find((r) => r.inputs.kind === 'Service')!;
  expect(JSON.stringify(service.inputs)).not.toContain(UNKNOWN);
});

describe('what an input may not do', () => {
  const object = (name: string, spec: unknown) => ({ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: spec } as any, logicalName: `p:ConfigMap:${name}`, prerequisites: [] });
  const plan = (...objects: ReturnType<typeof object>[]) => ({ objects });

  test('change the shape of an object (a key named after it)', () => {
    const a = plan(object('c', { 'pulumi-input-0-kq7x': 'x' }));
    const b = plan(object('c', { 'pulumi-input-0-zr4w': 'x' }));
    expect(() => inputDependentLeaves(a, b, ['host'])).toThrow(/a pulumi.Input changes the shape of this object/);
  });

  test('reach an object name through a hash', () => {
    expect(() => inputDependentLeaves(plan(object('c-1234', {})), plan(object('c-9876', {})), ['host']))
      .toThrow(/this object's name depends on a pulumi.Input in a way Pulumi cannot follow/);
  });

  test('be transformed by a construct (the real synthesis must be the placeholders filled in)', () => {
    const placeholders = plan(object('c', { url: 'https://pulumi-input-0-kq7x/' }));
    const leaves = inputDependentLeaves(placeholders, plan(object('c', { url: 'https://pulumi-input-0-zr4w/' })), ['host']);
    expect(leaves).toEqual([[['data', 'url']]]);
    expect(() => checkResolvedPlan(placeholders, leaves, plan(object('c', { url: 'https://kestra.example.com/' })), ['kestra.example.com'])).not.toThrow();
    expect(() => checkResolvedPlan(placeholders, leaves, plan(object('c', { url: 'https://KESTRA.example.com/' })), ['kestra.example.com']))
      .toThrow(/differs from the one planned with placeholders/);
  });
});
