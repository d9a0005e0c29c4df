/**
 * Writes schema/<workflow>.input.json from the zod schemas in
 * src/model/workflowInputs.ts (`npm run schemas`). A unit test fails when the
 * committed files differ from what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { workflowInputSchemaFiles } from '../src/model/workflowInputs';

const schemaDir = path.resolve(__dirname, '..', 'schema');
for (const [name, text] of Object.entries(workflowInputSchemaFiles())) {
  fs.writeFileSync(path.join(schemaDir, name), text);
  console.log(`wrote schema/${name}`);
}
