/**
 * Writes schema/<workflow>.input.json from the zod schemas in
 * src/model/workflowInputs.ts and schema/arrayJob.children.json from the one in
 * src/model/childShard.ts (`npm run schemas`). Unit tests fail when the
 * committed files differ from what this writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { childShardSchemaFile } from '../src/model/childShard';
import { workflowInputSchemaFiles } from '../src/model/workflowInputs';

const schemaDir = path.resolve(__dirname, '..', 'schema');
const files = { ...workflowInputSchemaFiles(), 'arrayJob.children.json': childShardSchemaFile() };
for (const [name, text] of Object.entries(files)) {
  fs.writeFileSync(path.join(schemaDir, name), text);
  console.log(`wrote schema/${name}`);
}
