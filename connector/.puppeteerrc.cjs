// Puppeteer must not download a browser: the connector launches Debian's /usr/bin/chromium
// (SANGAM_CHROMIUM), and this machine cannot reach the browser download hosts anyway.
module.exports = { skipDownload: true };
