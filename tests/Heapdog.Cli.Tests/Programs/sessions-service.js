// Write-up 003 as a running service: sessions are kept in the module-level Map `sessions`; a finished session's
// socket is end()ed but never destroyed (its 'end' listeners are gone) and its idle timer is never cleared, so each
// keeps a half-open Socket, its TCP handle and a Timeout. The clients are real sockets on loopback; their peer is a
// child process, as the far end is another machine in write-up 003, so this heap holds the clients' side only. Prints
// "port N" once listening; stop it with SIGTERM.
'use strict';
const http = require('http');
const net = require('net');
const { execFileSync, spawn } = require('child_process');

// Each session costs two descriptors (client and peer socket): stay well inside this machine's limit.
let maxSessions = 450;
try {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  if (limit > 0) maxSessions = Math.min(3000, Math.floor((limit - 200) / 2));
} catch {
  // no shell: keep the small cap
}

const sessions = new Map();

class Session {
  constructor(id, port) {
    this.id = id;
    this.startedAt = Date.now();
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('error', (err) => { this.error = String(err); });
    this.idle = setTimeout(() => sessions.delete(this.id), 3600000);
  }

  finish() {
    this.socket.once('connect', () => {
      this.socket.removeAllListeners('end');
      this.socket.end('BYE\r\n');
    });
  }
}

// The peer never ends its side, so an ended client socket stays half-open. It prints its port, and exits when this
// process goes (its stdin closes).
const peerCode = `
  const peer = require('net').createServer({ allowHalfOpen: true }, (socket) => socket.resume());
  peer.listen(0, '127.0.0.1', () => console.log(peer.address().port));
  process.stdin.on('end', () => process.exit(0)).resume();
`;
const peer = spawn(process.execPath, ['-e', peerCode], { stdio: ['pipe', 'pipe', 'inherit'] });
let nextId = 0;

peer.stdout.once('data', (data) => {
  const peerPort = Number(String(data).trim());
  // A few sessions every 100 ms, up to the cap.
  setInterval(() => {
    for (let i = 0; i < 2 && nextId < maxSessions; i++) {
      const session = new Session(++nextId, peerPort);
      sessions.set(session.id, session);
      session.finish();
    }
  }, 100);
  const server = http.createServer((req, res) => res.end(JSON.stringify({ sessions: sessions.size })));
  server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
});

process.on('SIGTERM', () => {
  peer.kill();
  process.exit(0);
});
