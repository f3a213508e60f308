// Writes docs/reference/cli.md from the flag table (lib/cli/flags.ts) through the built
// help module: `npm run docs`. test/config/flags.test.ts fails when the file is stale.
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { cliReference } = await import(new URL('../dist/lib/cli/help.js', import.meta.url).href);
mkdirSync(`${root}docs/reference`, { recursive: true });
writeFileSync(`${root}docs/reference/cli.md`, cliReference());
process.stdout.write('docs/reference/cli.md written\n');
