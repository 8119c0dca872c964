// Entry point: `node connector/dist/main.js` (the core spawns exactly this command).
import { run } from './src/main';

run().catch((err: any) => {
    process.stdout.write(JSON.stringify({ at: new Date().toISOString(), level: 'fatal', event: 'connector.crashed', message: String(err && err.stack || err) }) + '\n');
    process.exit(1);
});
