import { KestraValidationError, quantityValue, validatePositiveInteger } from '../common';

/** JVM settings of one Kestra component, passed as `JAVA_OPTS`. */
export interface KestraJvmOptions {
  /**
   * Heap ceiling in percent of the container's memory limit (`-XX:MaxRAMPercentage`). The JVM's own default is 25%,
   * which wastes three quarters of the container; the rest of the limit stays for metaspace, threads and buffers.
   * @default 75
   */
  readonly maxRamPercentage?: number;
  /**
   * Processors the JVM believes it has (`-XX:ActiveProcessorCount`); Kestra sizes its thread pools from it
   * (a worker runs twice as many task threads by default).
   * @default - the CPU limit rounded up, when the container has one; otherwise the JVM's own detection
   */
  readonly activeProcessorCount?: number;
  /**
   * More JVM options, appended as given (e.g. `-XX:+HeapDumpOnOutOfMemoryError`).
   * @default - none
   */
  readonly extraOptions?: string[];
}

const KEYS = ['maxRamPercentage', 'activeProcessorCount', 'extraOptions'];

/**
 * Renders the options for `JAVA_OPTS`, which the image's launcher passes to `java`
 * (kestra-io/kestra gradle/jar/selfrun.sh: `exec java ${JAVA_OPTS} ... -jar "$0" "$@"`).
 */
export function renderJavaOptions(field: string, options: KestraJvmOptions | undefined,
  resources: Record<string, Record<string, string>>): string {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new KestraValidationError(field, options, 'must be { maxRamPercentage?, activeProcessorCount?, extraOptions? }');
  }
  for (const key of Object.keys(options ?? {})) {
    if (!KEYS.includes(key)) throw new KestraValidationError(`${field}.${key}`, (options as any)[key], `unknown option; expected one of ${KEYS.join(', ')}`);
  }
  const percentage = options?.maxRamPercentage ?? 75;
  if (typeof percentage !== 'number' || !(percentage > 0 && percentage <= 100)) {
    throw new KestraValidationError(`${field}.maxRamPercentage`, percentage, 'must be a number above 0 and at most 100');
  }
  const flags = [`-XX:MaxRAMPercentage=${percentage}`];
  const cpuLimit = resources.limits?.cpu;
  const processors = options?.activeProcessorCount === undefined
    ? (cpuLimit === undefined ? undefined : Math.max(1, Math.ceil(quantityValue(cpuLimit))))
    : validatePositiveInteger(`${field}.activeProcessorCount`, options.activeProcessorCount);
  if (processors !== undefined) flags.push(`-XX:ActiveProcessorCount=${processors}`);
  (options?.extraOptions ?? []).forEach((option, i) => {
    // JAVA_OPTS is split on whitespace by the launcher's unquoted expansion, so one option cannot hold a space.
    if (typeof option !== 'string' || !/^-\S+$/.test(option)) {
      throw new KestraValidationError(`${field}.extraOptions[${i}]`, option, 'must be one JVM option starting with "-" and without spaces');
    }
    flags.push(option);
  });
  return flags.join(' ');
}
