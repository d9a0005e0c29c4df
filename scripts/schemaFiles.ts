import { arrayResultsSchemaFile } from '../src/model/arrayResults';
import { jobStateSchemaFiles } from '../src/model/jobStates';
import { workflowInputSchemaFiles } from '../src/model/workflowInputs';

/** Every document under schema/, by file name, as the zod schemas in src/model generate it. */
export function schemaFiles(): Record<string, string> {
  return { ...workflowInputSchemaFiles(), ...jobStateSchemaFiles(), 'arrayJob.results.json': arrayResultsSchemaFile() };
}
