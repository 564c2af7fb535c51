/**
 * Prisma's `contains` builds `LIKE '%' || value || '%'` without escaping the value, so a user's
 * `%` or `_` would act as a wildcard (`number=%` matched every record). PostgreSQL's default LIKE
 * escape character is the backslash: escaping it and both wildcards makes the text literal.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
