/* eslint-disable import/order */
// The mocks must be installed before any module that creates resources is loaded.
import { installRecordingMocks, Registration, settle, valueOf } from './mock-runtime';
const monitor = installRecordingMocks('inputs');

import { spawnSync } from 'child_process';
import * as path from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KestraDatabase, KestraProps, KestraStorage } from '../../lib/platform';
import { KestraPlatform, PlatformInput } from '../../lib/pulumi';

/** Stands for any resource whose outputs feed the platform (a managed database, a bucket, a DNS record). */
class Upstream extends pulumi.CustomResource {
  declare readonly value: pulumi.Output<string>;
  constructor(name: string, value: string) {
    super('test:index:Upstream', name, { value });
  }
}

const ROOT = path.resolve(__dirname, '..', '..');
const CREDENTIALS = { secretName: 'kestra-db', key: 'password' };
/** The props of the platform, with each value either plain or passed through `input`. */
function props(value: (plain: string, upstream: Upstream) => string, up: Record<'db' | 'user' | 'bucket' | 'endpoint' | 'host', Upstream>): KestraProps {
  return {
    database: KestraDatabase.postgres({
      url: `jdbc:postgresql://${value('db.internal', up.db)}:5432/kestra`,
      username: value('kestra', up.user),
      password: CREDENTIALS,
    }),
    storage: KestraStorage.s3({ bucket: value('acme-kestra', up.bucket), region: 'eu-west-1', endpoint: value('https://s3.internal', up.endpoint) }),
    ingress: { host: value('kestra.example.com', up.host) },
  };
}

const upstream = {
  namespace: new k8s.core.v1.Namespace('team', { metadata: { name: 'team-kestra' } }),
  db: new Upstream('db', 'db.internal'),
  user: new Upstream('user', 'kestra'),
  bucket: new Upstream('bucket', 'acme-kestra'),
  endpoint: new Upstream('endpoint', 'https://s3.internal'),
  host: new Upstream('host', 'kestra.example.com'),
};
const withInputs = new KestraPlatform('inputs', {
  namespace: upstream.namespace.metadata.name,
  createNamespace: false,
  kestra: (input: PlatformInput) => props((_plain, up) => input(up.value), upstream),
});
const plain = new KestraPlatform('plain', { namespace: 'team-kestra', createNamespace: false, kestra: props((text) => text, upstream) });

function childrenOf(prefix: string, regs: readonly Registration[]): Registration[] {
  return regs.filter((r) => r.custom && r.name.startsWith(`${prefix}:`));
}

describe('KestraPlatform args from other resources (pulumi.Input)', () => {
  let regs: Registration[];
  beforeAll(async () => {
    await valueOf(withInputs.apiUrl);
    await valueOf(plain.apiUrl);
    await settle(monitor);
    regs = monitor.registrations;
  });

  test('register exactly the objects plain values give, field for field (checksums included)', () => {
    const a = childrenOf('inputs', regs);
    const b = childrenOf('plain', regs);
    expect(a.map((r) => r.inputs.kind).sort()).toEqual(b.map((r) => r.inputs.kind).sort());
    expect(a.map((r) => r.inputs.kind)).toEqual(expect.arrayContaining(['ConfigMap', 'Deployment', 'Ingress', 'Service', 'ServiceAccount']));
    // Registration order is asynchronous: match the objects by their unprefixed logical name.
    const byName = (registrations: Registration[], prefix: string) => new Map(registrations.map((r) => [r.name.slice(prefix.length), r.inputs]));
    const plainByName = byName(b, 'plain:');
    expect([...byName(a, 'inputs:').keys()].map((name) => name.replace('{namespace}', 'team-kestra')).sort()).toEqual([...plainByName.keys()].sort());
    for (const [name, inputs] of byName(a, 'inputs:')) expect(inputs).toEqual(plainByName.get(name.replace('{namespace}', 'team-kestra')));
    const deployment = a.find((r) => r.inputs.kind === 'Deployment')!;
    expect(deployment.inputs.metadata.namespace).toBe('team-kestra');
    const config = a.find((r) => r.inputs.kind === 'ConfigMap')!;
    expect(JSON.stringify(config.inputs.data)).toContain('jdbc:postgresql://db.internal:5432/kestra');
    expect(a.find((r) => r.inputs.kind === 'Ingress')!.inputs.spec.rules[0].host).toBe('kestra.example.com');
    // The configuration checksum is computed from the real values, so a changed input rolls the pods.
    const checksum = deployment.inputs.spec.template.metadata.annotations['checksum/config'];
    expect(checksum).toMatch(/^[0-9a-f]{16,}$/);
    expect(checksum).toBe(b.find((r) => r.inputs.kind === 'Deployment')!.inputs.spec.template.metadata.annotations['checksum/config']);
  });

  test('logical names stay readable and stable: the namespace input appears by name', () => {
    const names = childrenOf('inputs', regs).map((r) => r.name);
    expect(names).toContain('inputs:Deployment:{namespace}/kestra-standalone');
    expect(names.join(' ')).not.toMatch(/pulumi-input/);
  });

  test('objects that use an input depend on the resource it comes from', async () => {
    const dbUrn = await valueOf(upstream.db.urn);
    const hostUrn = await valueOf(upstream.host.urn);
    const a = childrenOf('inputs', regs);
    expect(a.find((r) => r.inputs.kind === 'ConfigMap')!.dependencies).toContain(dbUrn);
    expect(a.find((r) => r.inputs.kind === 'Ingress')!.dependencies).toContain(hostUrn);
    // Every object is in the namespace input, which comes from the Namespace resource.
    const namespaceUrn = await valueOf(upstream.namespace.urn);
    for (const reg of a) expect(reg.dependencies).toContain(namespaceUrn);
  });

  test('the outputs carry the real values', async () => {
    expect(await valueOf(withInputs.namespace)).toBe('team-kestra');
    expect(await valueOf(withInputs.apiUrl)).toBe('http://kestra.team-kestra.svc.cluster.local:8080');
    expect(await valueOf(withInputs.apiUrl)).toBe(await valueOf(plain.apiUrl));
  });
});

describe('an input whose real value the constructs refuse', () => {
  test('fails the registration of every object that uses it, with the constructs\' own error', () => {
    // Run as the engine runs a program: a failed registration is an unhandled rejection the language host reports.
    const script = `
      const pulumi = require('@pulumi/pulumi');
      const registered = [];
      process.on('unhandledRejection', (e) => console.log(JSON.stringify({ error: e.message })));
      pulumi.runtime.setMocks({ newResource: (a) => { registered.push(a.name); return { id: a.name, state: a.inputs }; }, call: (a) => a.inputs });
      const { KestraStorage } = require('./lib/platform');
      const { KestraPlatform } = require('./lib/pulumi');
      const bad = new pulumi.CustomResource('test:index:Upstream', 'bad-bucket', { value: 'Not_A_Bucket' });
      new KestraPlatform('bad', {
        namespace: bad.value.apply(() => 'bad'),
        kestra: (input) => ({ storage: KestraStorage.s3({ bucket: input(bad.value), region: 'eu-west-1' }) }),
      });
      setTimeout(() => console.log(JSON.stringify({ registered })), 1500);
    `;
    // The runtime then exits non-zero (left-over promises): read what the program printed.
    const lines = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, encoding: 'utf8' }).stdout
      .trim().split('\n').map((line) => JSON.parse(line));
    const errors = lines.filter((l) => l.error).map((l) => l.error as string);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/Invalid storage\.bucket: "Not_A_Bucket": must be a DNS-1123 subdomain/);
    // Every object of the platform uses the namespace input: none reached the engine.
    expect(lines.find((l) => l.registered).registered.filter((name: string) => name.startsWith('bad:'))).toEqual([]);
  });

  test('a builder that asks for different inputs on each call is refused before anything is registered', () => {
    let calls = 0;
    expect(() => new KestraPlatform('unstable', {
      kestra: (input) => ({ ingress: { host: ++calls === 1 ? input('kestra.example.com') : 'kestra.example.com' } }),
    })).toThrow(/the props builder must ask for the same inputs every time/);
  });
});
