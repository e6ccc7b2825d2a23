import { KestraConfiguration, SecretEnv, placeholder } from './configuration';
import { credentialEnv } from './flow-env';
import {
  KestraValidationError, SecretKeyRef, validateDnsSubdomain, validateNonEmpty, validatePositiveInteger,
  validateQuantity, validateSecretKeyRef,
} from '../common';

/** Access mode of the local storage volume. */
export type KestraStorageAccessMode = 'ReadWriteOnce' | 'ReadWriteMany';

/** Internal storage on a PersistentVolumeClaim mounted into every Kestra pod. */
export interface KestraLocalStorageOptions {
  /**
   * Size of the volume.
   * @default '10Gi'
   */
  readonly size?: string;
  /**
   * StorageClass of the volume.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access mode. Only `ReadWriteMany` lets several pods (distributed mode, replicas) share it.
   * @default 'ReadWriteOnce'
   */
  readonly accessMode?: KestraStorageAccessMode;
}

/** An access key pair read from Secrets. */
export interface KestraAccessKeyCredentials {
  /** The access key id. */
  readonly accessKeyId: SecretKeyRef;
  /** The secret access key. */
  readonly secretAccessKey: SecretKeyRef;
}

/** Amazon S3 or an S3-compatible store. */
export interface KestraS3StorageOptions {
  /** Bucket name. */
  readonly bucket: string;
  /** Region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Endpoint of an S3-compatible service.
   * @default - AWS S3
   */
  readonly endpoint?: string;
  /**
   * Path-style addressing, needed by most S3-compatible services.
   * @default false
   */
  readonly forcePathStyle?: boolean;
  /**
   * Static credentials.
   * @default - the AWS default credential chain (IRSA, EKS Pod Identity, instance profile)
   */
  readonly credentials?: KestraAccessKeyCredentials;
}

/** A MinIO server. */
export interface KestraMinioStorageOptions {
  /** Host name of the MinIO server, e.g. `minio.minio.svc`. */
  readonly endpoint: string;
  /**
   * Port of the MinIO API.
   * @default 9000
   */
  readonly port?: number;
  /**
   * Whether to use TLS.
   * @default false
   */
  readonly secure?: boolean;
  /** Bucket name. */
  readonly bucket: string;
  /**
   * Region.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /** Access key pair. */
  readonly credentials: KestraAccessKeyCredentials;
}

/** Google Cloud Storage. */
export interface KestraGcsStorageOptions {
  /** Bucket name. */
  readonly bucket: string;
  /**
   * Google Cloud project id.
   * @default - the project of the credentials
   */
  readonly projectId?: string;
  /**
   * JSON key of a service account.
   * @default - Workload Identity / application default credentials
   */
  readonly serviceAccountKey?: SecretKeyRef;
}

/** Azure Blob Storage. */
export interface KestraAzureStorageOptions {
  /** Blob service endpoint, e.g. `https://account.blob.core.windows.net`. */
  readonly endpoint: string;
  /** Container name. */
  readonly container: string;
  /**
   * A storage connection string.
   * @default - none; set this or `sharedKey`, or rely on a managed identity
   */
  readonly connectionString?: SecretKeyRef;
  /**
   * Shared key authentication.
   * @default - none
   */
  readonly sharedKey?: { readonly accountName: string; readonly accountKey: SecretKeyRef };
}

/** What a storage choice contributes to the deployment. */
export interface KestraStorageBinding {
  /** Configuration fragment under `kestra.storage`. */
  readonly configuration: KestraConfiguration;
  /** Secret-backed environment variables the fragment refers to. */
  readonly secretEnv: readonly SecretEnv[];
}

function object(field: string, options: unknown): void {
  if (options === null || typeof options !== 'object') throw new KestraValidationError(field, options, 'must be an object');
}

function accessKeys(field: string, credentials: KestraAccessKeyCredentials, prefix: string): SecretEnv[] {
  object(field, credentials);
  return [
    { name: `${prefix}_ACCESS_KEY`, ref: validateSecretKeyRef(`${field}.accessKeyId`, credentials.accessKeyId) },
    { name: `${prefix}_SECRET_KEY`, ref: validateSecretKeyRef(`${field}.secretAccessKey`, credentials.secretAccessKey) },
  ];
}

function storage(type: string, settings: Record<string, unknown>): KestraConfiguration {
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  return { kestra: { storage: { type, [type]: defined } } };
}

/** Where Kestra keeps its internal storage (inputs, outputs, namespace files). */
export abstract class KestraStorage {
  /** A PersistentVolumeClaim mounted at `/app/storage`. The default. */
  public static local(options: KestraLocalStorageOptions = {}): KestraStorage {
    return new LocalStorage(options);
  }

  /** Amazon S3 or an S3-compatible service. */
  public static s3(options: KestraS3StorageOptions): KestraStorage {
    object('storage', options);
    const env = options.credentials ? accessKeys('storage.credentials', options.credentials, credentialEnv('S3')) : [];
    return new RemoteStorage('s3', storage('s3', {
      bucket: validateDnsSubdomain('storage.bucket', options.bucket),
      region: validateNonEmpty('storage.region', options.region),
      endpoint: options.endpoint === undefined ? undefined : validateNonEmpty('storage.endpoint', options.endpoint),
      forcePathStyle: options.forcePathStyle,
      accessKey: env.length ? placeholder(credentialEnv('S3_ACCESS_KEY')) : undefined,
      secretKey: env.length ? placeholder(credentialEnv('S3_SECRET_KEY')) : undefined,
    }), env);
  }

  /** A MinIO server. */
  public static minio(options: KestraMinioStorageOptions): KestraStorage {
    object('storage', options);
    const env = accessKeys('storage.credentials', options.credentials, credentialEnv('MINIO'));
    return new RemoteStorage('minio', storage('minio', {
      endpoint: validateNonEmpty('storage.endpoint', options.endpoint),
      port: validatePositiveInteger('storage.port', options.port ?? 9000),
      secure: options.secure ?? false,
      bucket: validateDnsSubdomain('storage.bucket', options.bucket),
      region: options.region ?? 'us-east-1',
      accessKey: placeholder(credentialEnv('MINIO_ACCESS_KEY')),
      secretKey: placeholder(credentialEnv('MINIO_SECRET_KEY')),
    }), env);
  }

  /** Google Cloud Storage. */
  public static gcs(options: KestraGcsStorageOptions): KestraStorage {
    object('storage', options);
    const env = options.serviceAccountKey
      ? [{ name: credentialEnv('GCS_SERVICE_ACCOUNT'), ref: validateSecretKeyRef('storage.serviceAccountKey', options.serviceAccountKey) }] : [];
    return new RemoteStorage('gcs', storage('gcs', {
      bucket: validateNonEmpty('storage.bucket', options.bucket),
      projectId: options.projectId === undefined ? undefined : validateNonEmpty('storage.projectId', options.projectId),
      serviceAccount: env.length ? placeholder(credentialEnv('GCS_SERVICE_ACCOUNT')) : undefined,
    }), env);
  }

  /** Azure Blob Storage. */
  public static azure(options: KestraAzureStorageOptions): KestraStorage {
    object('storage', options);
    if (options.connectionString && options.sharedKey) {
      throw new KestraValidationError('storage.sharedKey', options.sharedKey.accountName, 'set either connectionString or sharedKey, not both');
    }
    const env: SecretEnv[] = [];
    if (options.connectionString) env.push({ name: credentialEnv('AZURE_CONNECTION_STRING'), ref: validateSecretKeyRef('storage.connectionString', options.connectionString) });
    if (options.sharedKey) env.push({ name: credentialEnv('AZURE_ACCOUNT_KEY'), ref: validateSecretKeyRef('storage.sharedKey.accountKey', options.sharedKey.accountKey) });
    return new RemoteStorage('azure', storage('azure', {
      endpoint: validateNonEmpty('storage.endpoint', options.endpoint),
      container: validateDnsSubdomain('storage.container', options.container),
      connectionString: options.connectionString ? placeholder(credentialEnv('AZURE_CONNECTION_STRING')) : undefined,
      sharedKeyAccountName: options.sharedKey ? validateNonEmpty('storage.sharedKey.accountName', options.sharedKey.accountName) : undefined,
      sharedKeyAccountAccessKey: options.sharedKey ? placeholder(credentialEnv('AZURE_ACCOUNT_KEY')) : undefined,
    }), env);
  }

  /** Storage type as Kestra names it: local, s3, minio, gcs or azure. */
  public abstract readonly type: string;
  /** Whether several pods can use the storage at once. */
  public abstract readonly shareable: boolean;
  /** @internal */
  public abstract _bind(): KestraStorageBinding;
}

/** The mount path of local storage inside Kestra pods. */
export const LOCAL_STORAGE_PATH = '/app/storage';

/** Local storage on a PVC; exposed so the construct can create and mount the claim. */
export class LocalStorage extends KestraStorage {
  public readonly type = 'local';
  public readonly shareable: boolean;
  /** Validated volume size. */
  public readonly size: string;
  /** Validated access mode. */
  public readonly accessMode: KestraStorageAccessMode;
  /** Validated StorageClass, if any. */
  public readonly storageClassName?: string;

  constructor(options: KestraLocalStorageOptions) {
    super();
    object('storage', options);
    this.size = validateQuantity('storage.size', options.size ?? '10Gi');
    this.accessMode = options.accessMode ?? 'ReadWriteOnce';
    if (this.accessMode !== 'ReadWriteOnce' && this.accessMode !== 'ReadWriteMany') {
      throw new KestraValidationError('storage.accessMode', this.accessMode, 'must be "ReadWriteOnce" or "ReadWriteMany"');
    }
    if (options.storageClassName !== undefined) this.storageClassName = validateDnsSubdomain('storage.storageClassName', options.storageClassName);
    this.shareable = this.accessMode === 'ReadWriteMany';
  }

  public _bind(): KestraStorageBinding {
    return { configuration: { kestra: { storage: { type: 'local', local: { 'base-path': LOCAL_STORAGE_PATH } } } }, secretEnv: [] };
  }
}

class RemoteStorage extends KestraStorage {
  public readonly shareable = true;
  constructor(public readonly type: string, private readonly configuration: KestraConfiguration, private readonly secretEnv: SecretEnv[]) {
    super();
  }

  public _bind(): KestraStorageBinding {
    return { configuration: this.configuration, secretEnv: this.secretEnv };
  }
}
