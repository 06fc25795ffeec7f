'use strict';
// An unbounded cache: profiles are cached by request key and never evicted.
const { run } = require('./harness');

class UserProfile {
  constructor(key) { // leak-site
    this.key = key;
    this.name = `user ${key}`;
    this.roles = ['reader'];
  }
}

class ProfileStore {
  constructor() {
    this.cache = new Map();
  }

  lookup(key) {
    let profile = this.cache.get(key);
    if (!profile) {
      profile = new UserProfile(key);
      this.cache.set(key, profile);
    }
    return profile;
  }
}

const store = new ProfileStore();
globalThis.profileStore = store;
let request = 0;
run(() => {
  for (let i = 0; i < 2000; i++) store.lookup(`session-${request++}`);
});
