// memlab depends on puppeteer; only its heap analysis is used here, so never download a browser.
module.exports = { skipDownload: true };
