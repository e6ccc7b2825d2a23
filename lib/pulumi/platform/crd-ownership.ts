import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KestraValidationError } from '../../common';

/**
 * CRDs are cluster-scoped: one platform of a program registers them per cluster, the others use them.
 * A cluster is told apart by the Kubernetes provider the platform is given (`provider`, or `providers`
 * by package), or the default provider (the ambient kubeconfig) when it is given none.
 * Another stack on the same cluster cannot be seen from here: set `installCrds: false` there (see the README).
 */
const DEFAULT_PROVIDER = Symbol('default Kubernetes provider');

interface CrdOwner {
  /** Name of the platform that registered the CRDs. */
  readonly platform: string;
  /** The registered CRD resources. */
  readonly crds: readonly pulumi.Resource[];
}

const owners = new Map<unknown, CrdOwner>();

/** The Kubernetes provider a component's children use, as a key (the default provider when none is given). */
export function clusterOf(opts: pulumi.ComponentResourceOptions | undefined): unknown {
  if (opts?.provider) return opts.provider;
  const providers = opts?.providers;
  const provider = Array.isArray(providers) ? providers.find((p) => p instanceof k8s.Provider) : providers?.kubernetes;
  return provider ?? DEFAULT_PROVIDER;
}

/** The platform of this program that already registered the CRDs on `cluster`, if any. */
export function crdOwnerOf(cluster: unknown): CrdOwner | undefined {
  return owners.get(cluster);
}

/** Decides whether a platform with an operator registers the CRDs; a second owner on one cluster is refused. */
export function installsCrds(cluster: unknown, requested: boolean | undefined): boolean {
  const owner = owners.get(cluster);
  if (requested === true && owner) {
    throw new KestraValidationError('operator.installCrds', true,
      `the Kestra CRDs of this cluster are already registered by the KestraPlatform "${owner.platform}" of this program; `
      + 'CRDs are cluster-scoped and one platform owns them: leave installCrds unset here');
  }
  return requested ?? owner === undefined;
}

/** Records that `platform` registered the CRDs of `cluster`. */
export function recordCrdOwner(cluster: unknown, platform: string, crds: readonly pulumi.Resource[]): void {
  owners.set(cluster, { platform, crds });
}
