import { childShardSchemaFile } from '../src/model/childShard';
import { jobStateSchemaFiles } from '../src/model/jobStates';
import { workflowInputSchemaFiles } from '../src/model/workflowInputs';

/** Every document under schema/, by file name, as the zod schemas in src/model generate it. */
export function schemaFiles(): Record<string, string> {
  return { ...workflowInputSchemaFiles(), ...jobStateSchemaFiles(), 'arrayJob.children.json': childShardSchemaFile() };
}
