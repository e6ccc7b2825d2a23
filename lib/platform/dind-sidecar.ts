import { DindSpec } from './task-runner';

/** Directory of the Docker socket shared by Kestra and the daemon. */
export const DIND_SOCKET_DIR = '/dind';
/** `DOCKER_HOST` of the Kestra container, and the only address the daemon listens on. */
export const DIND_SOCKET = `unix://${DIND_SOCKET_DIR}/docker.sock`;
/**
 * Parent of the task working directories (`kestra.tasks.tmpDir.path` is below it). The Docker task runner
 * bind-mounts them by path, so the daemon must see them at the same place as Kestra.
 */
export const WORKING_DIR = '/tmp/kestra-wd';
/** uid and gid of the Kestra user, which must be able to use the socket. */
const KESTRA_GID = 1000;
const ROOTLESS_UID = 1000;

/**
 * Arguments of the daemon container (the image's entrypoint stays).
 *
 * docker-library/docker 29/dind/dockerd-entrypoint.sh: when there are no arguments, or the first one starts with
 * `-`, the entrypoint prepends `dockerd --host=<socket> --host=tcp://0.0.0.0:2375` (2376 with TLS) and, rootless,
 * publishes that port through rootlesskit (`-p 0.0.0.0:2375:2375/tcp`): an unauthenticated Docker API on the pod IP.
 * When the first argument is `dockerd`, it adds nothing: dockerd then listens only where `--host` says.
 */
export function dindArgs(): string[] {
  return ['dockerd', `--host=${DIND_SOCKET}`, `--group=${KESTRA_GID}`, '--log-level=warn'];
}

/**
 * The daemon as a native sidecar (an init container with `restartPolicy: Always`, Kubernetes ≥ 1.29): it starts,
 * and is probed, before the Kestra container, and is stopped only after it, so tasks still running while Kestra
 * drains its workers keep their daemon.
 */
export function dindSidecar(dind: DindSpec): Record<string, unknown> {
  const rootless = dind.mode === 'rootless';
  return {
    name: 'dind',
    image: dind.image,
    imagePullPolicy: 'IfNotPresent',
    restartPolicy: 'Always',
    args: dindArgs(),
    startupProbe: { exec: { command: ['docker', `--host=${DIND_SOCKET}`, 'version'] }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 90 },
    resources: dind.resources,
    // dockerd needs privileges to create namespaces and mounts; they stay on this container only.
    securityContext: {
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: false,
      runAsNonRoot: rootless,
      runAsUser: rootless ? ROOTLESS_UID : 0,
      runAsGroup: rootless ? ROOTLESS_UID : 0,
    },
    volumeMounts: [
      { name: 'dind-socket', mountPath: DIND_SOCKET_DIR },
      { name: 'working-dir', mountPath: WORKING_DIR },
      // docker-library/docker Dockerfile-dind-rootless.template: the rootless user's data root.
      { name: 'dind-data', mountPath: rootless ? '/home/rootless/.local/share/docker' : '/var/lib/docker' },
    ],
  };
}
