// Listens on a free loopback port and prints it: "ready <port>".
const server = require('net').createServer().listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
