/** A projection's table name goes into SQL text, so only plain lower-case identifiers are taken. */
export function tableName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(name)) {
    throw new Error(`projection table name ${JSON.stringify(name)} must match [a-z_][a-z0-9_]{0,50}`);
  }
  return name;
}
