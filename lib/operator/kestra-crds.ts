import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Include } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { dropChartNamespace } from './cluster-scoped';
import { KestraValidationError } from '../common';

// Both lib/operator (ts-node, jest) and dist/operator (compiled) sit two levels
// below the package root, where crds/ is shipped.
const CRD_DIRECTORY = path.join(__dirname, '..', '..', 'crds');
const CRD_FILES = ['kestraflow.yaml', 'kestrakeyvalue.yaml', 'kestranamespacefile.yaml'];

/**
 * The CustomResourceDefinitions of the Kestra operator (`KestraFlow`,
 * `KestraKeyValue`, `KestraNamespaceFile`), included from the package's `crds/`.
 *
 * CRDs are cluster-wide, so an app holds at most one `KestraCrds`: a
 * `KestraOperator` includes them unless one already exists in the app.
 */
export class KestraCrds extends Construct {
  /** Directory the CRD files are read from. */
  public static readonly DIRECTORY = CRD_DIRECTORY;

  /** The `KestraCrds` of the app `scope` belongs to, if one was created. */
  public static find(scope: IConstruct): KestraCrds | undefined {
    return scope.node.root.node.findAll().find((c): c is KestraCrds => c instanceof KestraCrds);
  }

  /** The included CRD objects, in the order of the files. */
  public readonly apiObjects: ApiObject[];
  /** Names of the CRDs, e.g. `kestraflows.model.kestra.io`. */
  public readonly crdNames: string[];

  constructor(scope: Construct, id: string) {
    const existing = KestraCrds.find(scope);
    if (existing) {
      throw new KestraValidationError('KestraCrds', existing.node.path,
        'the Kestra CRDs are already included in this app (one copy per cluster); create KestraCrds before any KestraOperator, or pass installCrds: false to the operators');
    }
    super(scope, id);
    this.apiObjects = CRD_FILES.map((file) => {
      const url = path.join(CRD_DIRECTORY, file);
      if (!fs.existsSync(url)) {
        throw new Error(`The Kestra CRD file ${url} is missing: the package was built or installed without its crds/ folder`);
      }
      const [crd, ...rest] = new Include(this, file.replace(/\.yaml$/, ''), { url }).apiObjects;
      if (crd === undefined || rest.length > 0 || crd.kind !== 'CustomResourceDefinition') {
        throw new Error(`${url} must hold exactly one CustomResourceDefinition`);
      }
      dropChartNamespace(crd);
      return crd;
    });
    this.crdNames = this.apiObjects.map((crd) => crd.name);
  }
}
