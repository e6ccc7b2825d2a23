import { Construct, IConstruct } from 'constructs';
import { ReferenceReport } from './reference-analysis';
import { ReferenceGraph } from './reference-graph';
import { KestraValidationError } from '../common/errors';
import { wildcardPatterns } from '../model/wildcard';

/**
 * Kestra objects the flows of this app may use although the app does not declare them (managed
 * by another repository, by hand, or by Kestra itself). Each entry is a pattern where `*`
 * matches any characters.
 */
export interface KestraExternalObjects {
  /**
   * Flows, as `namespace.flowId`: `company.shared.notify`, `company.shared.*`.
   * @default - none
   */
  readonly flows?: string[];
  /**
   * K/V entries, as `namespace/KEY`: `company/API_URL`; a leading `*` before `/API_URL` matches it in any namespace.
   * @default - none
   */
  readonly keyValues?: string[];
  /**
   * Namespace files, as the namespace followed by the file's path: `company.team/scripts/etl.py`,
   * `company.team/sql/*`.
   * @default - none
   */
  readonly namespaceFiles?: string[];
  /**
   * Secret names (compared upper-cased, as Kestra looks them up): `SLACK_WEBHOOK`, `AWS_*`.
   * @default - none
   */
  readonly secrets?: string[];
}

/** Properties of {@link KestraReferenceChecks}. */
export interface KestraReferenceChecksProps {
  /**
   * Objects managed elsewhere that references may resolve to.
   * @default - none: every reference must resolve to an object of this app
   */
  readonly external?: KestraExternalObjects;
  /**
   * Fail the synth on K/V keys, namespace files, secrets and triggering flows that resolve to
   * nothing, instead of printing them as warnings. A call to a missing flow always fails it.
   * @default false
   */
  readonly strict?: boolean;
}

/**
 * The app's cross-object checks, which `cdk8s synth` runs on every app holding Kestra flows:
 * Subflow and ForEachItem calls must name a flow the app holds (an error, with the calling flow,
 * task and missing flow), calls must not form a cycle, and K/V keys, namespace files, secrets
 * and triggering flows that resolve to nothing are reported. Add this construct once, anywhere in
 * the app, to declare objects managed elsewhere or to make every finding an error.
 */
export class KestraReferenceChecks extends Construct {
  /** The references of every flow of the app that holds `scope`, each resolved, with what the checks found. */
  public static report(scope: IConstruct): ReferenceReport {
    return ReferenceGraph.of(scope).report();
  }

  constructor(scope: Construct, id: string, props: KestraReferenceChecksProps = {}) {
    super(scope, id);
    const external = props.external ?? {};
    for (const field of ['flows', 'keyValues', 'namespaceFiles', 'secrets'] as const) {
      const patterns = external[field];
      if (patterns === undefined) continue;
      if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== 'string' || p.trim() === '')) {
        throw new KestraValidationError(`external.${field}`, patterns, 'must be a list of non-empty patterns');
      }
    }
    ReferenceGraph.of(this).configure(this.node.path, props.strict ?? false, {
      flows: wildcardPatterns(external.flows),
      keyValues: wildcardPatterns(external.keyValues),
      namespaceFiles: wildcardPatterns(external.namespaceFiles),
      secrets: wildcardPatterns(external.secrets, true),
    });
  }
}
