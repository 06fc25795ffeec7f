// Part of the stand-in kubectl (StandIn/kubectl), for tests only. Listens on ADDRESS:LOCAL of the host and relays each
// connection to 127.0.0.1:REMOTE inside the network namespace of host pid PID, through a node started there with
// nsenter per connection, as the kubelet's port-forward does with socat. Prints kubectl's lines.
'use strict';
const net = require('net');
const { spawn } = require('child_process');

const [address, local, remote, pid] = process.argv.slice(2);
const inside = `const s = require('net').connect(${Number(remote)}, '127.0.0.1');
process.stdin.pipe(s); s.pipe(process.stdout);
s.on('error', (e) => { process.stderr.write('relay: ' + e.message + '\\n'); process.exit(1); });
s.on('close', () => process.exit(0));`;

const server = net.createServer((client) => {
  console.log(`Handling connection for ${local}`);
  const child = spawn('nsenter', ['--target', pid, '--net', '--', process.execPath, '-e', inside], { stdio: ['pipe', 'pipe', 'inherit'] });
  client.pipe(child.stdin);
  child.stdout.pipe(client);
  client.on('error', () => child.kill());
  client.on('close', () => child.kill());
  child.on('exit', () => client.destroy());
});
server.listen(Number(local), address, () => console.log(`Forwarding from ${address}:${local} -> ${remote}`));
