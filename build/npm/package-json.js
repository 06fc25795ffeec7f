// Writes the package.json of an npm package of heapdog to stdout (build/pack.sh calls it).
//   node package-json.js platform VERSION RID     @heapdog/RID: the binary, installed only where os/cpu match
//   node package-json.js launcher VERSION RID…    heapdog: the launcher, with those platform packages as optionalDependencies
'use strict';

const [kind, version, ...rids] = process.argv.slice(2);
const common = {
  version,
  license: 'MIT',
  keywords: ['heap', 'heapsnapshot', 'memory-leak', 'v8', 'node'],
};
const cpu = { x64: 'x64', arm64: 'arm64' };

let manifest;
if (kind === 'platform') {
  const [os, arch] = rids[0].split('-');
  manifest = {
    name: `@heapdog/${rids[0]}`,
    ...common,
    description: `The ${rids[0]} binary of heapdog`,
    os: [os],
    cpu: [cpu[arch]],
    files: ['bin/heapdog'],
    preferUnplugged: true,
  };
} else if (kind === 'launcher') {
  manifest = {
    name: 'heapdog',
    ...common,
    description: 'Find what keeps a Node.js process\'s memory growing: heap snapshots, leak reports, a live dashboard',
    bin: { heapdog: 'launcher.js' },
    files: ['launcher.js'],
    engines: { node: '>=18' },
    optionalDependencies: Object.fromEntries(rids.map((rid) => [`@heapdog/${rid}`, version])),
  };
} else {
  console.error(`package-json.js: unknown kind '${kind}' (platform or launcher)`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
