import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { BASE_PROPS, newChart } from './operator-fixtures';
import { KestraValidationError } from '../../lib/common';
import { KestraCrds, KestraOperator } from '../../lib/operator';
import { ofKind, synthValid } from '../util/k8s-schema';

const CRD_NAMES = ['kestraflows.model.kestra.io', 'kestrakeyvalues.model.kestra.io', 'kestranamespacefiles.model.kestra.io'];
const PACKAGE_ROOT = path.join(__dirname, '..', '..');

test('reads crds/ at the package root', () => {
  expect(KestraCrds.DIRECTORY).toBe(path.join(PACKAGE_ROOT, 'crds'));
});

test('emits the three CRDs of crds/ unchanged, without the chart namespace', () => {
  const { chart } = newChart();
  const crds = new KestraCrds(chart, 'crds');
  const objects = synthValid(chart);
  expect(crds.crdNames).toEqual(CRD_NAMES);
  const emitted = ofKind(objects, 'CustomResourceDefinition');
  expect(emitted.map((crd) => crd.metadata.name)).toEqual(CRD_NAMES);
  for (const crd of emitted) {
    const file = path.join(KestraCrds.DIRECTORY, `${crd.spec.names.singular}.yaml`);
    expect(crd).toEqual(yaml.load(fs.readFileSync(file, 'utf8')));
  }
});

test('an operator includes the CRDs by default and not with installCrds: false', () => {
  const first = newChart();
  const operator = new KestraOperator(first.chart, 'operator', BASE_PROPS);
  expect(operator.crds?.crdNames).toEqual(CRD_NAMES);
  expect(ofKind(synthValid(first.chart), 'CustomResourceDefinition')).toHaveLength(3);

  const second = newChart();
  const withoutCrds = new KestraOperator(second.chart, 'operator', { ...BASE_PROPS, installCrds: false });
  expect(withoutCrds.crds).toBeUndefined();
  expect(ofKind(synthValid(second.chart), 'CustomResourceDefinition')).toEqual([]);
});

test('the CRDs come before the operator Deployment in the manifest', () => {
  const { chart } = newChart();
  new KestraOperator(chart, 'operator', BASE_PROPS);
  const kinds = synthValid(chart).map((o) => o.kind);
  expect(kinds.lastIndexOf('CustomResourceDefinition')).toBeLessThan(kinds.indexOf('Deployment'));
});

test('a second operator reuses the CRDs the first included', () => {
  const { chart } = newChart();
  const first = new KestraOperator(chart, 'dev', { ...BASE_PROPS, watchNamespaces: ['dev'] });
  const second = new KestraOperator(chart, 'prod', { ...BASE_PROPS, watchNamespaces: ['prod'] });
  expect(second.crds).toBe(first.crds);
  expect(ofKind(synthValid(chart), 'CustomResourceDefinition')).toHaveLength(3);
});

test('operators reuse a KestraCrds created beforehand, even in another chart', () => {
  const { app, chart } = newChart();
  const crdChart = new Chart(app, 'crds');
  const crds = new KestraCrds(crdChart, 'crds');
  const operator = new KestraOperator(chart, 'operator', BASE_PROPS);
  expect(operator.crds).toBe(crds);
  expect(ofKind(synthValid(chart), 'CustomResourceDefinition')).toEqual([]);
  expect(ofKind(synthValid(crdChart), 'CustomResourceDefinition')).toHaveLength(3);
});

test('a second KestraCrds in one app is refused, naming the first', () => {
  const { app, chart } = newChart();
  new KestraOperator(chart, 'operator', BASE_PROPS);
  const error = (() => {
    try {
      new KestraCrds(new Chart(app, 'other'), 'crds');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(KestraValidationError);
  expect((error as Error).message).toBe('Invalid KestraCrds: "platform/operator/Crds": the Kestra CRDs are already included in this app (one copy per cluster); '
    + 'create KestraCrds before any KestraOperator, or pass installCrds: false to the operators');
});
