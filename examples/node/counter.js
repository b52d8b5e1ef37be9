// Counts with sharedcounter.dll from Node.js on Windows, through koffi (no
// compiler needed). An option stops it before the first call: --help prints
// what it does, anything else is refused, and neither touches the counter.
'use strict';
const koffi = require('koffi');

const usage = 'usage: node counter.js [path\\to\\sharedcounter.dll] [--help]\n' +
  'Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\n' +
  'prints the version and what each call returned.\n';

// The exit status for arguments that ask for no count, or null to count.
function refuseArguments(args) {
  const option = args.find((arg) => arg.startsWith('-'));
  if (option === undefined && args.length <= 1)
    return null;
  if (option === '--help' && args.length <= 2) {
    process.stdout.write(usage);
    return 0;
  }
  process.stderr.write(`counter.js: unknown argument '${option || args[1]}'\n${usage}`);
  return 2;
}

const args = process.argv.slice(2);
const refused = refuseArguments(args);
if (refused !== null) {
  process.exitCode = refused;
} else {
  count(args[0] || 'sharedcounter.dll');
}

function count(path) {
  const dll = koffi.load(path);
  const sc_version = dll.func('uint32_t sc_version(void)');
  const sc_increment = dll.func('int64_t sc_increment(void)');
  const sc_add = dll.func('int64_t sc_add(int64_t delta)');
  const sc_get = dll.func('int64_t sc_get(void)');

  const version = sc_version();
  const delta = -3;
  console.log(`sc_version: ${version >>> 16}.${(version >>> 8) & 0xff}.${version & 0xff}`);
  console.log(`sc_increment: ${sc_increment()}`);
  console.log(`sc_add(${delta}): ${sc_add(delta)}`);
  console.log(`sc_get: ${sc_get()}`);
}
