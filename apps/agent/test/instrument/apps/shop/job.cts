// A short-lived CommonJS job: one sqlite write, one log line, then the event loop runs dry and the process
// ends with exit code 3. Usage: node --require … job.cts <sqlite file>.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app loads its modules with require() */
const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
const { pino } = require('pino') as typeof import('pino');

const db = new DatabaseSync(process.argv[2] ?? ':memory:');
db.exec('CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, at TEXT)');
db.prepare('INSERT INTO runs (at) VALUES (?)').run(new Date().toISOString());
pino().info('job done');
db.close();
process.exitCode = 3;
