import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { environmentsApp } from '../../examples/environments/main';
import { validateCustomResource } from '../crds/crd-validator';
import { ManifestObject, ofKind, validateManifest } from '../util/k8s-schema';

/** examples/environments as `cdk8s synth` runs it: prod and staging in one app, written to files. */
describe('examples/environments: prod and staging in one app', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-environments-'));
  let files: Record<string, ManifestObject[]>;

  beforeAll(() => {
    const app = new App({ outdir });
    environmentsApp(app);
    app.synth();
    files = Object.fromEntries(fs.readdirSync(outdir).sort().map((file) => [file,
      parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8')).map((d) => d.toJS() as ManifestObject)]));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('writes one valid manifest per environment', () => {
    expect(Object.keys(files)).toEqual(['0000-kestra-prod.k8s.yaml', '0001-kestra-staging.k8s.yaml']);
    for (const objects of Object.values(files)) {
      validateManifest(objects);
      for (const cr of objects.filter((o) => o.apiVersion === 'model.kestra.io/v1alpha1')) validateCustomResource(cr as any);
    }
  });

  test('the same flow, K/V entry and namespace file go to both, each in the namespace its own operator watches', () => {
    const [prod, staging] = Object.values(files);
    for (const [objects, environment] of [[prod, 'prod'], [staging, 'staging']] as const) {
      const crs = objects.filter((o) => o.apiVersion === 'model.kestra.io/v1alpha1');
      expect(crs.map((o) => `${o.kind}:${o.metadata?.namespace}`).sort()).toEqual(
        [`KestraFlow:flows-${environment}`, `KestraKeyValue:flows-${environment}`, `KestraNamespaceFile:flows-${environment}`]);
      const operator = ofKind(objects, 'Deployment').find((d) => d.metadata.labels['app.kubernetes.io/component'] === 'operator');
      const env = Object.fromEntries(operator.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
      expect(env.QUARKUS_OPERATOR_SDK_NAMESPACES).toBe(`flows-${environment}`);
      expect(env.KESTRA_API_URL).toBe(`http://kestra.kestra-${environment}.svc.cluster.local:8080`);
    }
    // Same Kestra objects, byte for byte, apart from the environment's own K/V value.
    expect(ofKind(staging, 'KestraFlow')[0].spec).toEqual(ofKind(prod, 'KestraFlow')[0].spec);
    expect(ofKind(staging, 'KestraNamespaceFile')[0].spec).toEqual(ofKind(prod, 'KestraNamespaceFile')[0].spec);
    expect(ofKind(staging, 'KestraKeyValue')[0].spec.value).toBe('staging');
  });

  test('the CRDs are written once, in the first environment, before anything that uses them', () => {
    const [prod, staging] = Object.values(files);
    expect(ofKind(prod, 'CustomResourceDefinition').map((c) => c.metadata.name).sort())
      .toEqual(['kestraflows.model.kestra.io', 'kestrakeyvalues.model.kestra.io', 'kestranamespacefiles.model.kestra.io']);
    expect(ofKind(staging, 'CustomResourceDefinition')).toEqual([]);
  });
});
