import { ApiObject, JsonPatch } from 'cdk8s';

import { restrictedPodSecurityContext } from '../common/pod-security';

// cdk8s-plus sets runAsNonRoot and allowPrivilegeEscalation but has no API for seccomp or
// capabilities, so the restricted contexts are applied as JSON patches on the synthesized object.
export { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/pod-security';

/** Replaces the security contexts cdk8s-plus renders on a workload's pod template. */
export function applyPodSecurity(workload: ApiObject, uid: number, containers: ReadonlyArray<Record<string, unknown>>): void {
  workload.addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext', restrictedPodSecurityContext(uid)));
  containers.forEach((context, index) => {
    workload.addJsonPatch(JsonPatch.replace(`/spec/template/spec/containers/${index}/securityContext`, context));
  });
}
