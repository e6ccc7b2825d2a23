import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { CRD_FILES, crErrors, loadCrd, schemaOf } from './crd-validator';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'crds');
const KINDS = Object.keys(CRD_FILES);

function fixtures(folder: string): Array<[string, any, string]> {
  const dir = path.join(FIXTURES, folder);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return [file, yaml.load(text), text];
  });
}

// The operator's own CRDs (Fabric8-generated): every spec/status field and its type.
// Ours must keep all of them with the same type so the operator reads what we write.
interface OperatorCrd {
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: string[];
  readonly spec: Record<string, string>;
  readonly status: Record<string, string>;
}
const OPERATOR_FIELDS: Record<string, OperatorCrd> = {
  KestraFlow: {
    plural: 'kestraflows',
    singular: 'kestraflow',
    shortNames: ['flow'],
    spec: { id: 'string', namespace: 'string', source: 'string', tenant: 'string' },
    status: { reason: 'string', revision: 'integer', validated: 'boolean' },
  },
  KestraKeyValue: {
    plural: 'kestrakeyvalues',
    singular: 'kestrakeyvalue',
    shortNames: ['keyvalue', 'kv'],
    spec: { namespace: 'string', key: 'string', value: 'string', type: 'string', ttl: 'string', tenant: 'string' },
    status: { reason: 'string' },
  },
  KestraNamespaceFile: {
    plural: 'kestranamespacefiles',
    singular: 'kestranamespacefile',
    shortNames: ['namespacefile', 'nsfile'],
    spec: { namespace: 'string', filename: 'string', content: 'string', tenant: 'string' },
    status: { reason: 'string' },
  },
};

function allPatterns(schema: any): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const own = typeof schema.pattern === 'string' ? [schema.pattern] : [];
  return own.concat(...Object.values(schema.properties ?? {}).map(allPatterns));
}

describe.each(KINDS)('CRD %s', (kind) => {
  const crd = loadCrd(kind);
  const expected = OPERATOR_FIELDS[kind];
  const version = crd.spec.versions[0];

  test('is a valid apiextensions.k8s.io/v1 CustomResourceDefinition', () => {
    expect(() => new CustomResourceDefinition(crd).validate()).not.toThrow();
  });

  test('matches the operator: group, names, version, scope, status subresource', () => {
    expect(crd.metadata.name).toBe(`${expected.plural}.model.kestra.io`);
    expect(crd.spec.group).toBe('model.kestra.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind, plural: expected.plural, singular: expected.singular, shortNames: expected.shortNames });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
  });

  test('keeps every field of the operator schema with the same type', () => {
    const schema = schemaOf(kind);
    for (const [section, fields] of [['spec', expected.spec], ['status', expected.status]] as const) {
      const props = schema.properties[section].properties;
      expect(Object.keys(props).sort()).toEqual(Object.keys(fields).sort());
      for (const [field, type] of Object.entries(fields)) {
        expect({ field, type: props[field].type }).toEqual({ field, type });
      }
    }
  });

  test('documents every field', () => {
    const schema = schemaOf(kind);
    expect(schema.description).toBeTruthy();
    for (const section of ['spec', 'status']) {
      for (const [field, prop] of Object.entries<any>(schema.properties[section].properties)) {
        expect({ field, description: typeof prop.description }).toEqual({ field, description: 'string' });
      }
    }
  });

  test('keeps the tenant optional', () => {
    expect(schemaOf(kind).properties.spec.required).not.toContain('tenant');
  });

  // The API server compiles CRD patterns with Go's RE2, which has no look-around or back-references.
  test('uses only regular expressions the API server (RE2) accepts', () => {
    const patterns = allPatterns(schemaOf(kind));
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) {
      expect({ pattern, unsupported: /\(\?[=!<]|\\[1-9]|\(\?i\)/.test(pattern) }).toEqual({ pattern, unsupported: false });
      expect(pattern.startsWith('^') && pattern.endsWith('$')).toBe(true);
    }
  });

  test('prints the Kestra namespace and age in kubectl get', () => {
    const columns = version.additionalPrinterColumns.map((c: any) => [c.name, c.jsonPath]);
    expect(columns).toContainEqual(['Kestra Namespace', '.spec.namespace']);
    expect(columns).toContainEqual(['Age', '.metadata.creationTimestamp']);
  });
});

test('kubectl get flow shows namespace, id, revision and validated', () => {
  const columns = loadCrd('KestraFlow').spec.versions[0].additionalPrinterColumns;
  expect(columns.map((c: any) => [c.name, c.type, c.jsonPath])).toEqual(expect.arrayContaining([
    ['Kestra Namespace', 'string', '.spec.namespace'],
    ['Id', 'string', '.spec.id'],
    ['Revision', 'integer', '.status.revision'],
    ['Validated', 'boolean', '.status.validated'],
    ['Age', 'date', '.metadata.creationTimestamp'],
  ]));
});

test('the K/V type is one of Kestra\'s value types', () => {
  expect(schemaOf('KestraKeyValue').properties.spec.properties.type.enum)
    .toEqual(['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON']);
});

describe('accepts valid resources, including the examples of Kestra\'s operator documentation', () => {
  const valid = fixtures('valid');
  test('the three documentation examples are present', () => {
    expect(valid.map(([file]) => file)).toEqual(expect.arrayContaining(['docs-flow-hello-world.yaml', 'docs-kv-1.yaml', 'docs-nsfile-1.yaml']));
  });
  test.each(valid)('%s', (_file, obj) => {
    expect(crErrors(obj)).toEqual([]);
  });
});

describe('rejects invalid resources with the expected error', () => {
  test.each(fixtures('invalid'))('%s', (_file, obj, text) => {
    // Each fixture states the error it must produce in its first line: `# reject: <message>`
    // (a prefix: ajv appends the pattern itself to pattern errors).
    const expected = /^# reject: (.*)$/m.exec(text)?.[1] ?? '(missing "# reject:" line)';
    const startsWithExpected = new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    expect(crErrors(obj)).toEqual(expect.arrayContaining([expect.stringMatching(startsWithExpected)]));
  });
});

describe('K/V ttl accepts exactly the java.time.Duration grammar Kestra parses', () => {
  const ttl = new RegExp(schemaOf('KestraKeyValue').properties.spec.properties.ttl.pattern);
  test.each(['PT30M', 'P7D', 'P1DT12H', 'PT1H30M20.5S', 'PT0.5S', 'PT1,5S', 'pt1h', '-PT5M', 'P-1DT2H', 'P2DT3M'])('accepts %s', (value) => {
    expect(ttl.test(value)).toBe(true);
  });
  test.each(['', 'P', 'PT', 'P1DT', '1H', 'PT1H2D', 'P1Y', 'P1W', 'P1M', 'PT1.5H', ' PT1H'])('rejects %j', (value) => {
    expect(ttl.test(value)).toBe(false);
  });
});

describe('namespace file names', () => {
  const filename = new RegExp(schemaOf('KestraNamespaceFile').properties.spec.properties.filename.pattern);
  test.each(['nsfile-1.txt', 'scripts/etl.py', '/scripts/etl.py', '.env', '...', '..hidden/x', 'a b/c d.sql'])('accepts %j', (value) => {
    expect(filename.test(value)).toBe(true);
  });
  test.each(['', '..', '../x', 'a/../b', 'a/..', './a', 'a/.', 'a//b', 'a/', '/'])('rejects %j', (value) => {
    expect(filename.test(value)).toBe(false);
  });
});
