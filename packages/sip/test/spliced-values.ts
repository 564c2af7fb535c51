// Header values built from grammar-significant characters spliced into realistic templates, for
// the property tests that hold two ways of parsing a value to the same answers.
import fc from 'fast-check';

const SPECIALS = [';', '=', ',', ':', '<', '>', '"', '\\', ' ', '\t', '[', ']', '%', '@', '?', '-', '.', '*'];
const filler = fc.string({
  unit: fc.oneof(fc.constantFrom(...SPECIALS), fc.constantFrom('a', 'Z', '0', '9', '~', '\u00e9')),
  maxLength: 6,
});

/** The template with up to 4 characters replaced by up to 6 others (no CR or LF, not empty). */
export function spliced(template: string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat({ max: template.length }), fc.nat({ max: 4 }), filler)
    .map(([at, cut, ins]) => (template.slice(0, at) + ins + template.slice(at + cut)).trim())
    .filter((v) => v.length > 0 && !/[\r\n]/.test(v));
}
