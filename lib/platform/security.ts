import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * The Kubernetes "restricted" Pod Security Standard, as plain objects. cdk8s-plus
 * sets runAsNonRoot and allowPrivilegeEscalation but has no API for seccomp or
 * capabilities, so those are added here as JSON patches on the synthesized object.
 */
export const RESTRICTED_CAPABILITIES = { drop: ['ALL'] };
export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' };

/** Container security context meeting the restricted standard. */
export function restrictedContainerSecurityContext(uid: number, readOnlyRootFilesystem = true): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: RESTRICTED_CAPABILITIES,
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}

/** Pod security context meeting the restricted standard. */
export function restrictedPodSecurityContext(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}

/** Replaces the security contexts cdk8s-plus renders on a workload's pod template. */
export function applyPodSecurity(workload: ApiObject, uid: number, containers: ReadonlyArray<Record<string, unknown>>): void {
  workload.addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext', restrictedPodSecurityContext(uid)));
  containers.forEach((context, index) => {
    workload.addJsonPatch(JsonPatch.replace(`/spec/template/spec/containers/${index}/securityContext`, context));
  });
}
