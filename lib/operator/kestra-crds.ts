import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { dropChartNamespace } from './cluster-scoped';
import { KestraValidationError } from '../common';
import { jsYamlLibrary } from '../common/lazy-modules';

// Both lib/operator (ts-node, jest) and dist/operator (compiled) sit two levels
// below the package root, where crds/ is shipped.
const CRD_DIRECTORY = path.join(__dirname, '..', '..', 'crds');
const CRD_FILES = ['kestraflow.yaml', 'kestrakeyvalue.yaml', 'kestranamespacefile.yaml'];

// The files ship with the package and never change while it runs, so each is read once per process.
const parsedCrds = new Map<string, any[]>();

function readCrdFile(file: string): any[] {
  let documents = parsedCrds.get(file);
  if (!documents) {
    const filePath = path.join(CRD_DIRECTORY, file);
    if (!fs.existsSync(filePath)) {
      throw new Error(`The Kestra CRD file ${filePath} is missing: the package was built or installed without its crds/ folder`);
    }
    documents = jsYamlLibrary().loadAll(fs.readFileSync(filePath, 'utf8')).filter((doc) => doc != null);
    parsedCrds.set(file, documents);
  }
  // Callers get their own copy: ApiObject keeps references to what it is given.
  // JSON, not structuredClone: that builds arrays of the host realm, which fail `instanceof Array` in a
  // sandboxed realm (jest, Pulumi closures) and are then serialized as objects.
  return JSON.parse(JSON.stringify(documents));
}

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
    // Read directly rather than through cdk8s `Include`, which spawns a node process per file.
    this.apiObjects = CRD_FILES.map((file) => {
      const [document, ...rest] = readCrdFile(file);
      if (document === undefined || rest.length > 0 || document.kind !== 'CustomResourceDefinition') {
        throw new Error(`${path.join(CRD_DIRECTORY, file)} must hold exactly one CustomResourceDefinition`);
      }
      const crd = new ApiObject(this, file.replace(/\.yaml$/, ''), document);
      dropChartNamespace(crd);
      return crd;
    });
    this.crdNames = this.apiObjects.map((crd) => crd.name);
  }
}
