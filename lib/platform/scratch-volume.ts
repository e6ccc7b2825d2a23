import { KestraValidationError, validateDnsSubdomain, validateQuantity } from '../common';

/** Options of a bounded emptyDir. */
export interface KestraEmptyDirScratchOptions {
  /**
   * Most the volume may hold; beyond it the kubelet evicts the pod instead of letting the node's disk fill up.
   * @default - the default of the place the volume is used (see there)
   */
  readonly sizeLimit?: string;
}

/** Options of a generic ephemeral volume (a PVC created with the pod and deleted with it). */
export interface KestraEphemeralScratchOptions {
  /** Size of the claim, e.g. `50Gi`. */
  readonly size: string;
  /**
   * StorageClass of the claim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/**
 * Where a pod keeps scratch data that may grow large (task working directories, Docker images and layers).
 * An emptyDir lives on the node's disk and, without a limit, one busy task can fill it and get every pod on the
 * node evicted; a generic ephemeral volume gives the pod its own claim instead.
 */
export abstract class KestraScratchVolume {
  /** An emptyDir on the node, bounded by `sizeLimit`. */
  public static emptyDir(options: KestraEmptyDirScratchOptions = {}): KestraScratchVolume {
    if (options === null || typeof options !== 'object') throw new KestraValidationError('scratch', options, 'must be { sizeLimit? }');
    return new EmptyDirScratch(options.sizeLimit === undefined ? undefined : validateQuantity('sizeLimit', options.sizeLimit));
  }

  /**
   * A generic ephemeral volume (`ephemeral.volumeClaimTemplate`, Kubernetes ≥ 1.23): a ReadWriteOnce PVC the
   * cluster creates with each pod and deletes with it, off the node's root disk.
   */
  public static ephemeral(options: KestraEphemeralScratchOptions): KestraScratchVolume {
    if (options === null || typeof options !== 'object') throw new KestraValidationError('scratch', options, 'must be { size, storageClassName? }');
    const size = validateQuantity('size', options.size);
    const storageClassName = options.storageClassName === undefined ? undefined : validateDnsSubdomain('storageClassName', options.storageClassName);
    return new EphemeralScratch(size, storageClassName);
  }

  /** `emptyDir` or `ephemeral`. */
  public abstract readonly kind: 'emptyDir' | 'ephemeral';

  /** @internal The pod `volumes` entry; `defaultSizeLimit` bounds an emptyDir created without one. */
  public abstract _render(name: string, defaultSizeLimit: string): Record<string, unknown>;
}

class EmptyDirScratch extends KestraScratchVolume {
  public readonly kind = 'emptyDir';
  constructor(private readonly sizeLimit: string | undefined) {
    super();
  }

  public _render(name: string, defaultSizeLimit: string): Record<string, unknown> {
    return { name, emptyDir: { sizeLimit: this.sizeLimit ?? defaultSizeLimit } };
  }
}

class EphemeralScratch extends KestraScratchVolume {
  public readonly kind = 'ephemeral';
  constructor(private readonly size: string, private readonly storageClassName: string | undefined) {
    super();
  }

  public _render(name: string): Record<string, unknown> {
    return {
      name,
      ephemeral: {
        volumeClaimTemplate: {
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(this.storageClassName ? { storageClassName: this.storageClassName } : {}),
            resources: { requests: { storage: this.size } },
          },
        },
      },
    };
  }
}

/** Checks a value given where a scratch volume is expected. */
export function validateScratchVolume(field: string, value: unknown): KestraScratchVolume | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof KestraScratchVolume)) {
    throw new KestraValidationError(field, value, 'must be KestraScratchVolume.emptyDir({ sizeLimit }) or KestraScratchVolume.ephemeral({ size })');
  }
  return value;
}
