import { Construct } from 'constructs';
import {
  KestraFlow, KestraFlowProps, KestraFlows, KestraFlowsProps, KestraKeyValue, KestraKeyValueProps,
  KestraNamespaceFile, KestraNamespaceFileProps, KestraNamespaceFiles, KestraNamespaceFilesProps,
} from '../../resources';

/**
 * Flows, K/V entries and namespace files a `KestraPlatform` deploys as the
 * operator's custom resources, built by the same cdk8s constructs cdk8s users
 * write (so the same validation applies: ids from the flow source, safe paths...).
 */
export interface PlatformResources {
  /**
   * Flows, one `KestraFlow` each.
   * @default - none
   */
  readonly flows?: KestraFlowProps[];
  /**
   * Folders of flow files (`*.yml`/`*.yaml`), one `KestraFlows` each.
   * @default - none
   */
  readonly flowDirectories?: KestraFlowsProps[];
  /**
   * K/V entries, one `KestraKeyValue` each.
   * @default - none
   */
  readonly keyValues?: KestraKeyValueProps[];
  /**
   * Namespace files, one `KestraNamespaceFile` each.
   * @default - none
   */
  readonly namespaceFiles?: KestraNamespaceFileProps[];
  /**
   * Folders uploaded as namespace files, one `KestraNamespaceFiles` each.
   * @default - none
   */
  readonly namespaceFileDirectories?: KestraNamespaceFilesProps[];
}

/**
 * Adds the resources under one construct. Construct ids are positional, which is
 * harmless: the constructs name their objects from the Kestra identity
 * (tenant, namespace, id/key/path) and the Pulumi names follow the object names.
 */
export function addPlatformResources(scope: Construct, resources: PlatformResources): Construct {
  const root = new Construct(scope, 'resources');
  (resources.flows ?? []).forEach((props, i) => new KestraFlow(root, `flow-${i}`, props));
  (resources.flowDirectories ?? []).forEach((props, i) => new KestraFlows(root, `flows-${i}`, props));
  (resources.keyValues ?? []).forEach((props, i) => new KestraKeyValue(root, `kv-${i}`, props));
  (resources.namespaceFiles ?? []).forEach((props, i) => new KestraNamespaceFile(root, `file-${i}`, props));
  (resources.namespaceFileDirectories ?? []).forEach((props, i) => new KestraNamespaceFiles(root, `files-${i}`, props));
  return root;
}
