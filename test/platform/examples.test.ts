import { Testing } from 'cdk8s';
import { DistributedKestraChart } from '../../examples/distributed/main';
import { StandaloneKestraChart } from '../../examples/standalone/main';
import { ofKind, synthValid } from '../util/k8s-schema';

describe('examples', () => {
  test('standalone: zero-props Kestra synthesizes valid objects', () => {
    const chart = new StandaloneKestraChart(Testing.app(), 'standalone');
    const objects = synthValid(chart);
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name)).toEqual(['kestra-standalone']);
    expect(ofKind(objects, 'StatefulSet')).toHaveLength(1);
    expect(chart.kestra.apiUrl).toBe('http://kestra.kestra.svc.cluster.local:8080');
  });

  test('distributed: split components, S3, Kubernetes runner, ingress and HPA', () => {
    const chart = new DistributedKestraChart(Testing.app(), 'distributed');
    const objects = synthValid(chart);
    expect(ofKind(objects, 'Deployment')).toHaveLength(5);
    expect(ofKind(objects, 'Ingress')).toHaveLength(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(ofKind(objects, 'Role')[0].metadata.namespace).toBe('kestra-tasks');
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(ofKind(objects, 'StatefulSet')).toHaveLength(0);
  });
});
