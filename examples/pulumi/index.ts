import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { Flow, KestraPlatform, KeyValue, NamespaceFile } from 'kestra-constructs/pulumi';

const config = new pulumi.Config();
const namespace = 'kestra';

// Every default: standalone Kestra, bundled PostgreSQL (its password is generated inside the
// cluster, so it is in neither the program nor the stack's state), local storage, rootless DinD.
// The cluster comes from the ambient kubeconfig; pass `{ provider }` to target another one.
const platform = new KestraPlatform('kestra', { namespace });

// The flow, K/V entry and namespace file go through the Kestra API, as this machine
// reaches it: none exists before the first `pulumi up` has created the platform, so
// they are deployed once `kestraUrl` is set. Credentials come from KESTRA_USERNAME /
// KESTRA_PASSWORD or KESTRA_API_TOKEN in the environment of `pulumi up`.
const kestraUrl = config.get('kestraUrl');
let flow: Flow | undefined;
if (kestraUrl) {
  const connection = { url: kestraUrl };
  // The component is a dependency: they wait until every object of the platform is up.
  const afterPlatform = { dependsOn: [platform] };

  const greeting = new KeyValue('greeting', {
    connection, namespace: 'company.team', key: 'greeting', value: 'Hello', description: 'Used by the hello flow',
  }, afterPlatform);

  const script = new NamespaceFile('hello-script', {
    connection,
    namespace: 'company.team',
    path: 'scripts/hello.py',
    content: fs.readFileSync(path.join(__dirname, 'files', 'hello.py'), 'utf8'),
  }, afterPlatform);

  flow = new Flow('hello', {
    connection,
    source: fs.readFileSync(path.join(__dirname, 'flows', 'hello.yaml'), 'utf8'),
  }, { dependsOn: [platform, greeting, script] });
}

export const apiUrl = platform.apiUrl;
export const serviceName = platform.serviceName;
export const kestraNamespaceName = platform.namespace;
export const flowRevision = flow?.revision;
