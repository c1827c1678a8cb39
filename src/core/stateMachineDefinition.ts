// The pipeline's one Amazon States Language document, shared by the local runtime and the CDK.
import { join } from 'node:path';
import { PROJECT_ROOT } from './projectRoot.ts';

export const DEFINITION_FILE = join(PROJECT_ROOT, 'statemachine', 'pipeline.asl.json');

/** Fills `${Name}` placeholders as CloudFormation's DefinitionSubstitutions does; throws on a missing one. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`state machine placeholder ${whole} has no substitution`);
    return value;
  });
}
