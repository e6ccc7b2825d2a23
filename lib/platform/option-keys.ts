import type { BundledPostgresOptions } from './bundled-postgres';
import type { KestraExternalDatabaseOptions } from './database';
import type {
  KestraAutoscalingOptions, KestraBasicAuthOptions, KestraImageOptions, KestraIngressOptions, KestraProps, KestraToleration,
  KestraTopologySpreadOptions,
} from './props';
import type {
  KestraAccessKeyCredentials, KestraAzureStorageOptions, KestraGcsStorageOptions, KestraLocalStorageOptions, KestraMinioStorageOptions,
  KestraS3StorageOptions,
} from './storage';
import type { KestraDindOptions, KestraKubernetesRunnerOptions } from './task-runner';
import { optionKeys } from '../common';

// Every options type of the platform and its keys, checked both ways by the compiler
// (see optionKeys): the construct refuses any other key at synth (rejectUnknownOptions).

export const KESTRA_PROPS_KEYS = optionKeys<KestraProps>()(
  'name', 'mode', 'database', 'storage', 'taskRunner', 'image', 'basicAuth', 'configuration', 'secretConfiguration', 'extraEnv', 'ingress',
  'autoscaling', 'podDisruptionBudget', 'nodeSelector', 'tolerations', 'affinity', 'topologySpread', 'readOnlyRootFilesystem',
  'serviceAccount', 'networkPolicy', 'createNamespace', 'plugins', 'pods', 'service', 'configMapConfiguration', 'secrets',
);
export const IMAGE_KEYS = optionKeys<KestraImageOptions>()('repository', 'tag', 'pullPolicy', 'pullSecrets');
export const BASIC_AUTH_KEYS = optionKeys<KestraBasicAuthOptions>()('username', 'password');
export const INGRESS_KEYS = optionKeys<KestraIngressOptions>()('host', 'name', 'paths', 'tls', 'className', 'annotations');
export const AUTOSCALING_KEYS = optionKeys<KestraAutoscalingOptions>()('minReplicas', 'maxReplicas', 'cpuUtilization', 'memoryUtilization', 'metrics', 'behavior');
export const TOLERATION_KEYS = optionKeys<KestraToleration>()('key', 'operator', 'value', 'effect', 'tolerationSeconds');
export const TOPOLOGY_SPREAD_KEYS = optionKeys<KestraTopologySpreadOptions>()('topologyKey', 'maxSkew', 'whenUnsatisfiable');
export const EXTERNAL_DATABASE_KEYS = optionKeys<KestraExternalDatabaseOptions>()('url', 'username', 'password');
export const BUNDLED_POSTGRES_KEYS = optionKeys<BundledPostgresOptions>()(
  'storageSize', 'storageClassName', 'image', 'passwordSecret', 'credentialsJobImage', 'resources',
);
export const LOCAL_STORAGE_KEYS = optionKeys<KestraLocalStorageOptions>()('size', 'storageClassName', 'accessMode');
export const ACCESS_KEY_KEYS = optionKeys<KestraAccessKeyCredentials>()('accessKeyId', 'secretAccessKey');
export const S3_STORAGE_KEYS = optionKeys<KestraS3StorageOptions>()('bucket', 'region', 'endpoint', 'forcePathStyle', 'credentials');
export const MINIO_STORAGE_KEYS = optionKeys<KestraMinioStorageOptions>()('endpoint', 'port', 'secure', 'bucket', 'region', 'credentials');
export const GCS_STORAGE_KEYS = optionKeys<KestraGcsStorageOptions>()('bucket', 'projectId', 'serviceAccountKey');
export const AZURE_STORAGE_KEYS = optionKeys<KestraAzureStorageOptions>()('endpoint', 'container', 'connectionString', 'sharedKey');
export const AZURE_SHARED_KEY_KEYS = optionKeys<NonNullable<KestraAzureStorageOptions['sharedKey']>>()('accountName', 'accountKey');
export const DIND_KEYS = optionKeys<KestraDindOptions>()('mode', 'resources', 'image', 'dataVolume');
export const KUBERNETES_RUNNER_KEYS = optionKeys<KestraKubernetesRunnerOptions>()('namespace', 'taskTypes');
