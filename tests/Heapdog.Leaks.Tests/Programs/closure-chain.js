'use strict';
// A closure chain: every call replaces `current` with an object whose method's context keeps the previous
// object alive (through `previous`), so each context keeps the one before it.
const { run } = require('./harness');

let current = null;

function replaceCurrent(round) {
  const previous = current;
  const unused = function () {
    if (previous) return previous.label;
    return null;
  };
  current = {
    label: `round-${round}-${Math.random()}`,
    describe: function describe() { // leak-site
      return this.label;
    },
  };
  return unused;
}

globalThis.currentThing = () => current;
run(round => {
  for (let i = 0; i < 1000; i++) replaceCurrent(round);
});
