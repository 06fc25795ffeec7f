// Renames itself the way services do, so comm no longer says "node".
process.title = 'billing-svc';
console.log('ready');
setInterval(() => {}, 1000);
