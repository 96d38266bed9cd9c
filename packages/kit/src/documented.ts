import type { TObject } from 'typebox';

/** The variables of a config schema that a Markdown table (first column `NAME`) does not list. */
export function undocumentedVariables(schema: TObject, markdown: string): string[] {
  return Object.keys(schema.properties).filter((name) => !new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm').test(markdown));
}
