/* eslint-disable import/order */
// The mocks must be installed before any module that creates resources is loaded.
import { installRecordingMocks, settle, valueOf } from './mock-runtime';
const monitor = installRecordingMocks('crds');

import * as k8s from '@pulumi/kubernetes';
import { KestraValidationError } from '../../lib/common';
import { OperatorCredentials } from '../../lib/operator';
import { KestraPlatform } from '../../lib/pulumi';

const operator = (watchNamespaces: string[]) => ({
  credentials: OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'token' }), watchNamespaces,
});
const FLOW = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
const crdsOf = (prefix: string) => monitor.registrations.filter((r) => r.name.startsWith(`${prefix}:CustomResourceDefinition:`));

describe('CRDs are cluster-scoped: one platform per cluster registers them', () => {
  // Prod and staging on the default provider (one cluster); a third platform on another cluster.
  const prod = new KestraPlatform('prod', { namespace: 'kestra-prod', operator: operator(['kestra-prod']) });
  const staging = new KestraPlatform('staging', {
    namespace: 'kestra-staging',
    operator: operator(['kestra-staging']),
    resources: { flows: [{ source: FLOW, metadata: { namespace: 'kestra-staging' } }] },
  });
  // Custom resources only (the operator runs in another platform): they wait for the CRDs too.
  const resourcesOnly = new KestraPlatform('resources-only', {
    namespace: 'kestra-prod', createNamespace: false, resources: { keyValues: [{ namespace: 'company.team', key: 'k', value: 1 }] },
  });
  const other = new KestraPlatform('other', { operator: operator(['kestra']) }, { provider: new k8s.Provider('other', { kubeconfig: 'other' }) });

  beforeAll(async () => {
    await Promise.all([prod, staging, resourcesOnly, other].map((p) => valueOf(p.apiUrl)));
    await settle(monitor);
  });

  test('the first platform on a cluster registers them, the second does not', () => {
    expect(crdsOf('prod').map((r) => r.inputs.metadata.name).sort())
      .toEqual(['kestraflows.model.kestra.io', 'kestrakeyvalues.model.kestra.io', 'kestranamespacefiles.model.kestra.io']);
    expect(crdsOf('staging')).toEqual([]);
    expect(staging.operator!.crds).toBeUndefined();
  });

  test('another cluster gets its own', () => {
    expect(crdsOf('other')).toHaveLength(3);
  });

  test('the second platform\'s custom resources wait for the first one\'s CRDs', () => {
    const flow = monitor.registrations.find((r) => r.name.startsWith('staging:KestraFlow:'))!;
    expect(flow.dependencies).toEqual(expect.arrayContaining(crdsOf('prod').map((r) => r.urn)));
    const kv = monitor.registrations.find((r) => r.name.startsWith('resources-only:KestraKeyValue:'))!;
    expect(kv.dependencies).toEqual(expect.arrayContaining(crdsOf('prod').map((r) => r.urn)));
    expect(crdsOf('resources-only')).toEqual([]);
  });

  test('asking a second platform on the cluster to register them too is refused before anything is registered', () => {
    const before = monitor.registrations.length;
    const attempt = () => new KestraPlatform('dev', { namespace: 'kestra-dev', operator: { ...operator(['kestra-dev']), installCrds: true } });
    expect(attempt).toThrow(KestraValidationError);
    expect(attempt).toThrow('Invalid operator.installCrds: true: the Kestra CRDs of this cluster are already registered by the KestraPlatform "prod" of this program');
    expect(monitor.registrations.length).toBe(before);
  });
});
