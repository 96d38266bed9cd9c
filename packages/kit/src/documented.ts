import type { TObject } from 'typebox';

/** The variables of a config schema that a Markdown table (first column `NAME`) does not list. */
export function undocumentedVariables(schema: TObject, markdown: string): string[] {
  return Object.keys(schema.properties).filter((name) => !new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm').test(markdown));
}

/** The problem types of a catalogue that a Markdown document never names as `/problems/<slug>`. */
export function undocumentedProblems(types: Record<string, unknown>, markdown: string): string[] {
  return Object.keys(types).filter((slug) => !markdown.includes(`/problems/${slug}\``));
}
