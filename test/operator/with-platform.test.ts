import { BASE_PROPS, newChart } from './operator-fixtures';
import { KestraOperator } from '../../lib/operator';
import { Kestra } from '../../lib/platform';
import { ofKind, synthValid } from '../util/k8s-schema';

test('an operator wired to a Kestra construct of the same chart uses its in-cluster API URL', () => {
  const { chart } = newChart();
  const kestra = new Kestra(chart, 'kestra');
  new KestraOperator(chart, 'operator', { credentials: BASE_PROPS.credentials, kestra, watchNamespaces: ['flows'] });
  const objects = synthValid(chart);
  const env = ofKind(objects, 'Deployment').flatMap((d) => d.spec.template.spec.containers[0].env ?? [])
    .filter((e: any) => e.name === 'KESTRA_API_URL');
  expect(env).toEqual([{ name: 'KESTRA_API_URL', value: kestra.apiUrl }]);
  expect(kestra.apiUrl).toBe('http://kestra.kestra.svc.cluster.local:8080');
});
