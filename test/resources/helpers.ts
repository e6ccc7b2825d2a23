import { App, Chart, Testing } from 'cdk8s';
import { validateCustomResource } from '../crds/crd-validator';
import { ManifestObject, synthValid } from '../util/k8s-schema';

/** A fresh chart in a fresh app (each app has its own registry of Kestra identities). */
export function newChart(): Chart {
  const app: App = Testing.app();
  return new Chart(app, 'test');
}

/** Synthesizes, validates every object against the Kubernetes schemas and our CRs against the CRDs. */
export function synthChecked(chart: Chart): ManifestObject[] {
  const objects = synthValid(chart);
  for (const obj of objects) {
    if (obj.apiVersion.startsWith('model.kestra.io/')) validateCustomResource(obj);
  }
  return objects;
}
