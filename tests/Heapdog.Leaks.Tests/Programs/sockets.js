'use strict';
// Write-up 003: an old mail client ends its sockets but removes their 'end' listeners, so they are never
// destroyed: every connection keeps a Socket and its TCP handle. Real sockets on loopback.
const net = require('node:net');
const { run } = require('./harness');

// The peer never ends its side, so an ended client socket stays half-open.
let accepted = 0;
const server = net.createServer({ allowHalfOpen: true }, socket => {
  accepted++;
  socket.resume();
});

class SMTPConnection {
  constructor(port) { // leak-site
    this.port = port;
    this.greeting = null;
    this._socket = net.connect(port, '127.0.0.1');
    this._socket.on('error', err => this.onError(err));
  }

  send(message) {
    return new Promise(resolve => {
      this._socket.once('connect', () => {
        this._socket.removeAllListeners('end');
        this._socket.end(`MAIL ${message}\r\n`, resolve);
      });
    });
  }

  onError(err) {
    this.greeting = String(err);
  }
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  run(async round => {
    const sends = [];
    for (let i = 0; i < 60; i++) sends.push(new SMTPConnection(port).send(`round ${round} mail ${i}`));
    await Promise.all(sends);
    // Both ends of every connection exist before the snapshot, however slow the machine.
    while (accepted < round * 60) await new Promise(resolve => setTimeout(resolve, 10));
  });
});
