// The examples import `kestra-constructs` and `kestra-constructs/pulumi` by name, exactly as your project
// does once the package is installed. In this repository that name means the sources under lib/: ts-node loads
// this file first (see "ts-node" in tsconfig.dev.json), jest maps the names (moduleNameMapper) and the type
// checker uses "paths". Copying an example into your own project needs none of this.
const Module = require('module');
const path = require('path');

const lib = path.join(__dirname, '..', 'lib');
const targets = {
  'kestra-constructs': path.join(lib, 'index.ts'),
  'kestra-constructs/pulumi': path.join(lib, 'pulumi', 'index.ts'),
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolvePackage(request, ...rest) {
  return resolveFilename.call(this, Object.prototype.hasOwnProperty.call(targets, request) ? targets[request] : request, ...rest);
};
