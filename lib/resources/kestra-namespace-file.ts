import * as path from 'path';
import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KestraValidationError, inConstruct } from '../common/errors';
import { rejectUnknownOptions } from '../common/known-keys';
import { validateDnsSubdomain } from '../common/validation';
import { KestraNamespaceFile as KestraNamespaceFileObject } from '../imports/model.kestra.io';
import { normalizeNamespaceFilePath, validateNamespace, validateTenant } from '../model';
import { decodeUtf8, readFileBytes } from './files';
import { checkObjectSize, renderWireForm } from './guards';
import { KestraResourceTarget, claimKestraIdentity, kubernetesNamespaceOf } from './kestra-identities';
import { kubernetesObjectName } from './object-names';
import { NAMESPACE_FILE_PROPS_KEYS } from './option-keys';
import { ReferenceGraph } from './reference-graph';

/** Options shared by every way of declaring a namespace file. */
export interface KestraNamespaceFileOptions extends KestraResourceTarget {
  /** Kestra namespace the file belongs to (not a Kubernetes namespace), e.g. `company.team`. */
  readonly namespace: string;
  /**
   * Kestra tenant of the file (Enterprise Edition).
   * @default - the operator's default tenant
   */
  readonly tenant?: string;
  /**
   * Metadata of the `KestraNamespaceFile` object (Kubernetes namespace, labels, a fixed name).
   * @default - a name derived from tenant, namespace and path
   */
  readonly metadata?: ApiObjectMetadata;
}

/** Properties of a {@link KestraNamespaceFile}. */
export interface KestraNamespaceFileProps extends KestraNamespaceFileOptions {
  /**
   * Path of the file inside the namespace, `/`-separated (`scripts/etl.py`; a leading `/` is the
   * namespace root). Empty names, `..` segments and backslashes are rejected.
   */
  readonly filename: string;
  /**
   * The content, kept byte for byte. A `Buffer` must hold UTF-8 text: the custom resource carries
   * content as a string, so binary files are rejected.
   */
  readonly content: string | Buffer;
}

/**
 * A file of a Kestra namespace (a script, a SQL query, a template) uploaded by the Kestra operator
 * from a `KestraNamespaceFile` custom resource.
 */
export class KestraNamespaceFile extends KestraNamespaceFileObject {
  /**
   * Declares a namespace file from a local file.
   * @param filename path in the namespace; defaults to the file's base name
   */
  public static fromFile(scope: Construct, id: string, filePath: string,
    options: KestraNamespaceFileOptions & { readonly filename?: string }): KestraNamespaceFile {
    const content = inConstruct(scope, id, () => decodeUtf8('path', readFileBytes('path', filePath), filePath));
    return new KestraNamespaceFile(scope, id, { ...options, filename: options.filename ?? path.basename(filePath), content });
  }

  /** The Kestra namespace of the file. */
  public readonly namespace: string;
  /** The canonical path of the file in the namespace, with a leading `/` (`/scripts/etl.py`). */
  public readonly path: string;
  /** The path as written to `spec.filename`: the canonical path without its leading `/`. */
  public readonly filename: string;
  /** The Kestra tenant, when one was given. */
  public readonly tenant?: string;
  /** The `KestraNamespaceFile` custom resource: this construct itself (see `KestraFlow.apiObject`). */
  public get apiObject(): KestraNamespaceFileObject {
    return this;
  }

  constructor(scope: Construct, id: string, props: KestraNamespaceFileProps) {
    const { namespace, canonicalPath, filename, tenant, body } = inConstruct(scope, id, () => prepareNamespaceFile(scope, id, props));
    super(scope, id, body);
    this.namespace = namespace;
    this.path = canonicalPath;
    this.filename = filename;
    this.tenant = tenant;
    inConstruct(scope, id, () => checkObjectSize('content', this, body, canonicalPath));
    ReferenceGraph.of(this).addNamespaceFile(this, tenant ?? '', namespace, canonicalPath);
  }

  /** Renders the object; its body is already in wire form (see `renderWireForm`). */
  public override toJson(): any {
    return renderWireForm(this);
  }
}

function contentText(content: unknown, filePath: string): string {
  if (typeof content === 'string') return content;
  if (Buffer.isBuffer(content)) return decodeUtf8('content', content, filePath);
  throw new KestraValidationError('content', content, 'must be a string or a Buffer of UTF-8 text');
}

/** Validates the props of a namespace file and builds its body; throws before the construct exists. */
function prepareNamespaceFile(scope: Construct, id: string, props: KestraNamespaceFileProps) {
  rejectUnknownOptions('', props ?? null, NAMESPACE_FILE_PROPS_KEYS);
  const namespace = validateNamespace('namespace', props.namespace);
  const canonicalPath = normalizeNamespaceFilePath('filename', props.filename);
  const filename = canonicalPath.slice(1);
  const tenant = props.tenant === undefined ? undefined : validateTenant('tenant', props.tenant);
  if (props.metadata?.name !== undefined) validateDnsSubdomain('metadata.name', props.metadata.name);
  const content = contentText(props.content, canonicalPath);
  const name = props.metadata?.name ?? kubernetesObjectName(tenant ? [tenant, namespace, filename] : [namespace, filename]);
  const body = {
    metadata: { ...props.metadata, name },
    spec: { namespace, filename, content, tenant },
  };
  claimKestraIdentity(scope, id, 'KestraNamespaceFile', { tenant, namespace, path: canonicalPath },
    { kubernetesNamespace: kubernetesNamespaceOf(scope, props.metadata?.namespace), operator: props.operator });
  return { namespace, canonicalPath, filename, tenant, body };
}
