// node:sqlite (the local transcript cache) is still flagged experimental in Node 22 and prints a
// warning on first use that would only confuse users; every other warning is printed as usual.
// Imported first by the CLI so it is in place before anything loads node:sqlite.
const printers = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'ExperimentalWarning' && /SQLite/i.test(w.message)) return;
  for (const print of printers) print(w);
});
