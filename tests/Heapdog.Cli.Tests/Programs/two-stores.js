// One function fills two module-level collections, each several lines below its header inside nested blocks, after
// a comment, a string and a template literal that name the same calls (the lines marked "store:" are what tests look
// for; the earlier mentions must not be taken). A timer tracks 100 requests every 100 ms. Prints "ready" once it runs.
'use strict';
const sessions = new Map();
const history = [];
let next = 0;

function track(req) {
  // sessions.set(req.id, …) and history.push(…) used to be here
  const note = `history.push(${req.id}) happens below`;
  const label = 'sessions.set(';
  if (req.id >= 0) {
    for (const step of [1]) {
      if (step === 1) {
        sessions.set(req.id, { id: req.id, note, label, step }); // store: sessions
      }
    }
  }
  {
    history.push({ id: req.id, at: Date.now() }); // store: history
  }
}

setInterval(() => {
  for (let i = 0; i < 100; i++) track({ id: next++ });
}, 100);
console.log('ready');
