import { configText, podSpec, synthKestra } from './helpers';
import { envExposure } from './models/kestra-env-exposure';
import { KestraValidationError } from '../../lib/common';
import { KestraDatabase, KestraMode, KestraProps, KestraStorage } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

const ref = (secretName: string, key = 'value') => ({ secretName, key });
const keys = { accessKeyId: ref('keys', 'id'), secretAccessKey: ref('keys', 'secret') };

const profiles: Array<[string, KestraProps]> = [
  ['zero props (bundled PostgreSQL)', {}],
  ['external postgres, S3 keys, basic auth from Secrets, secret extraEnv under the prefix', {
    database: KestraDatabase.postgres({ url: 'jdbc:postgresql://db:5432/k', username: 'k', password: ref('db') }),
    storage: KestraStorage.s3({ bucket: 'b', region: 'r', credentials: keys }),
    basicAuth: { username: ref('auth', 'user'), password: ref('auth', 'pass') },
    extraEnv: { KESTRA_API_TOKEN: ref('tokens', 'api'), TZ: 'UTC' },
  }],
  ['mysql and minio', { database: KestraDatabase.mysql({ url: 'jdbc:mysql://db:3306/k', username: 'k', password: ref('db') }), storage: KestraStorage.minio({ endpoint: 'minio', bucket: 'b', credentials: keys }) }],
  ['gcs key', { storage: KestraStorage.gcs({ bucket: 'b', serviceAccountKey: ref('gcp', 'key.json') }), mode: KestraMode.distributed() }],
  ['azure connection string', { storage: KestraStorage.azure({ endpoint: 'https://a.blob.core.windows.net', container: 'c', connectionString: ref('az') }) }],
  ['azure shared key', { storage: KestraStorage.azure({ endpoint: 'https://a.blob.core.windows.net', container: 'c', sharedKey: { accountName: 'a', accountKey: ref('az') } }) }],
  ['an overlay that empties the prefix and lists its own redactions', {
    storage: KestraStorage.s3({ bucket: 'b', region: 'r', credentials: keys }),
    configuration: { kestra: { variables: { 'env-vars-prefix': '', 'redacted-env-vars': ['MY_OWN'] } } },
  }],
];

describe('no credential is readable from a flow (model of Kestra\'s RunContextCache)', () => {
  test('the model reproduces the hole: a KESTRA_* variable from a Secret is a flow variable by default', () => {
    const exposure = envExposure({ env: [{ name: 'KESTRA_DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }] }, ['kestra: {}']);
    expect([...exposure.envs.keys()]).toContain('KESTRA_DATABASE_PASSWORD');
    expect([...exposure.envs.keys()]).not.toContain('KESTRA_PLUGINS_PATH');
  });

  test.each(profiles)('%s', (_name, props) => {
    const { objects } = synthKestra(props);
    const config = configText(objects);
    for (const deployment of ofKind(objects, 'Deployment').filter((d) => d.metadata.labels['app.kubernetes.io/name'] === 'kestra')) {
      const container = podSpec(deployment).containers.find((c: any) => c.name === 'kestra');
      const credentials = container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name);
      expect(credentials.length).toBeGreaterThan(0);
      const exposure = envExposure(container, [config]);
      const visible = [...exposure.envs.keys(), ...exposure.secrets.keys()];
      expect(visible.filter((name) => credentials.includes(name))).toEqual([]);
    }
  });

  test('the rendered redaction list keeps Kestra\'s three defaults and the user\'s own entries', () => {
    const { objects } = synthKestra(profiles[6][1]);
    const exposure = envExposure({ env: [{ name: 'MY_OWN', value: 'x' }, { name: 'KESTRA_PLUGINS_PATH', value: 'x' }, { name: 'KESTRA_CONFIGURATION', value: 'x' }] }, [configText(objects)]);
    expect([...exposure.envs.keys()]).toEqual([]);
  });

  test('literal, non-secret KESTRA_* variables stay readable as envs.*, as Kestra intends', () => {
    const { objects } = synthKestra({ extraEnv: { KESTRA_TEAM: 'data' } });
    const container = podSpec(ofKind(objects, 'Deployment')[0]).containers[0];
    expect([...envExposure(container, [configText(objects)]).envs.keys()]).toEqual(['KESTRA_TEAM']);
  });

  test.each(['KESTRA_CONFIGURATION', 'KESTRA_CONFIGURATION_PATH', 'KESTRA_VARIABLES_ENV_VARS_PREFIX', 'KESTRA_VARIABLES_REDACTED_ENV_VARS', 'JAVA_OPTS', 'HOME'])(
    'extraEnv refuses %s, which the construct owns or which would undo the redaction', (name) => {
      expect(() => synthKestra({ extraEnv: { [name]: 'x' } })).toThrow(KestraValidationError);
      expect(() => synthKestra({ extraEnv: { [name]: 'x' } })).toThrow(`"${name}"`);
    });
});
