/**
 * Writes schema/<workflow>.input.json from the zod schemas in
 * src/model/workflowInputs.ts, schema/<workflow>.state.json from those in
 * src/model/jobStates.ts and schema/arrayJob.children.json from the one in
 * src/model/childShard.ts (`npm run schemas`). Unit tests fail when the
 * committed files differ from what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { schemaFiles } from './schemaFiles';

const schemaDir = path.resolve(__dirname, '..', 'schema');
for (const [name, text] of Object.entries(schemaFiles())) {
  fs.writeFileSync(path.join(schemaDir, name), text);
  console.log(`wrote schema/${name}`);
}
