/**
 * The Kubernetes "restricted" Pod Security Standard, as plain objects, shared by every workload
 * the package creates (the DinD sidecar alone is exempt, see the platform's task runner).
 */
export const RESTRICTED_CAPABILITIES = { drop: ['ALL'] };
export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' };

/**
 * Container security context meeting the restricted standard.
 * @param uid user and group to run as; `undefined` leaves them to the pod's security context
 */
export function restrictedContainerSecurityContext(uid: number | undefined, readOnlyRootFilesystem = true): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid }),
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: RESTRICTED_CAPABILITIES,
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}

/**
 * Pod security context meeting the restricted standard.
 * @param uid user, group and fsGroup to run as; `undefined` keeps the image's own (numeric) user,
 * which `runAsNonRoot` still requires to be non-root
 */
export function restrictedPodSecurityContext(uid: number | undefined): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    ...(uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid, fsGroupChangePolicy: 'OnRootMismatch' }),
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
  };
}
