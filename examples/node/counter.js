// Counts with sharedcounter.dll from Node.js on Windows, through koffi (no
// compiler needed). usage: node counter.js [path\to\sharedcounter.dll]
'use strict';
const koffi = require('koffi');

const dll = koffi.load(process.argv[2] || 'sharedcounter.dll');
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
