// Writes a real heap snapshot of this small program to the path given, for the upload test.
'use strict';
const v8 = require('v8');

class UploadedThing {
  constructor(i) { this.i = i; this.label = 'thing-' + i; }
}
globalThis.keep = Array.from({ length: 2000 }, (_, i) => new UploadedThing(i));
v8.writeHeapSnapshot(process.argv[2]);
