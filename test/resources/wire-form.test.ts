import { newChart } from './helpers';
import * as L1 from '../../lib/imports/model.kestra.io';
import { KestraFlow, KestraKeyValue, KestraNamespaceFile } from '../../lib/resources';

// The typed resources skip the generated classes' key-by-key copy in toJson; it must be a copy.
const SOURCE = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n';

test('each resource renders exactly what its generated L1 class would', () => {
  const chart = newChart();
  const resources = [
    [new KestraFlow(chart, 'flow', { source: SOURCE }), L1.KestraFlow],
    [new KestraFlow(chart, 'tenant-flow', { source: SOURCE, tenant: 'acme', metadata: { labels: { team: 'data' } } }), L1.KestraFlow],
    [new KestraKeyValue(chart, 'kv', { namespace: 'company.team', key: 'k', value: { a: [1, 2] } }), L1.KestraKeyValue],
    [new KestraKeyValue(chart, 'kv-ttl', { namespace: 'company.team', key: 't', value: 'PT1H', type: 'DURATION', ttl: 'P1D', tenant: 'acme' }), L1.KestraKeyValue],
    [new KestraNamespaceFile(chart, 'file', { namespace: 'company.team', filename: 'a/b.py', content: 'print(1)\r\n' }), L1.KestraNamespaceFile],
  ] as const;
  for (const [resource, generated] of resources) {
    const rendered = resource.toJson();
    expect(rendered).toEqual(generated.prototype.toJson.call(resource));
    expect(JSON.stringify(rendered)).not.toContain('null');
  }
});
