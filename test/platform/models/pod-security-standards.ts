/**
 * A model of the Kubernetes Pod Security Standards, written from the admission plugin's checks:
 * kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*.go (latest version of each check)
 * and https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 * It returns one message per violated check so a test can show exactly what fails.
 */
export type PodSecurityLevel = 'baseline' | 'restricted';

const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function allContainers(pod: any): any[] {
  return [...pod.initContainers ?? [], ...pod.containers ?? [], ...pod.ephemeralContainers ?? []];
}

function baseline(pod: any): string[] {
  const out: string[] = [];
  const containers = allContainers(pod);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field] === true) out.push(`host namespaces: ${field}`);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) out.push(`privileged: container ${c.name}`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.includes(cap)) out.push(`capabilities: container ${c.name} adds ${cap}`);
    for (const port of c.ports ?? []) if (port.hostPort) out.push(`hostPort: container ${c.name}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`procMount: container ${c.name}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`seccomp: container ${c.name} Unconfined`);
    if (sc.appArmorProfile?.type === 'Unconfined') out.push(`appArmor: container ${c.name} Unconfined`);
    if (sc.seLinuxOptions?.user || sc.seLinuxOptions?.role) out.push(`seLinux: container ${c.name}`);
  }
  for (const v of pod.volumes ?? []) if (v.hostPath) out.push(`hostPath volume ${v.name}`);
  if (pod.securityContext?.seccompProfile?.type === 'Unconfined') out.push('seccomp: pod Unconfined');
  for (const s of pod.securityContext?.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`sysctl ${s.name}`);
  return out;
}

function restricted(pod: any): string[] {
  const out: string[] = [];
  const podSc = pod.securityContext ?? {};
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type)) out.push(`volume type: ${v.name} (${type})`);
  }
  for (const c of allContainers(pod)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`allowPrivilegeEscalation != false: container ${c.name}`);
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (nonRoot !== true) out.push(`runAsNonRoot != true: container ${c.name}`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`runAsUser=0: container ${c.name}`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`seccompProfile: container ${c.name}`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`capabilities: container ${c.name} does not drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`capabilities: container ${c.name} adds ${cap}`);
  }
  if (podSc.runAsUser === 0) out.push('runAsUser=0: pod');
  return out;
}

/** Violations of `level` by a pod spec (an empty list: the pod is admitted). */
export function podSecurityViolations(pod: any, level: PodSecurityLevel): string[] {
  return level === 'baseline' ? baseline(pod) : [...baseline(pod), ...restricted(pod)];
}

/** The pod templates of every workload in a manifest, by `Kind/name`. */
export function podTemplates(objects: readonly any[]): Map<string, any> {
  const out = new Map<string, any>();
  for (const o of objects) {
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) out.set(`${o.kind}/${o.metadata.name}`, o.spec.template.spec);
    if (o.kind === 'CronJob') out.set(`${o.kind}/${o.metadata.name}`, o.spec.jobTemplate.spec.template.spec);
    if (o.kind === 'Pod') out.set(`${o.kind}/${o.metadata.name}`, o.spec);
  }
  return out;
}
