import {
  Metadata,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js';

/**
 * What a dialled number is, from the PBX's country. Dialling classes are ordered: an extension
 * allowed `national` may also dial `local` and `internal`; `emergency` is outside the order
 * (always allowed).
 */
export type NumberClass = 'emergency' | 'local' | 'national' | 'international';
export type DialClass = 'internal' | 'local' | 'national' | 'international';

export const DIAL_CLASSES: readonly DialClass[] = ['internal', 'local', 'national', 'international'];

/** True when an extension with class `allowed` may dial a number of class `needed`. */
export function classAllows(allowed: DialClass, needed: DialClass): boolean {
  return DIAL_CLASSES.indexOf(needed) <= DIAL_CLASSES.indexOf(allowed);
}

export interface NumberingSettings {
  /** ISO 3166-1 alpha-2 country of the PBX, e.g. "DE", "US", "GB". */
  readonly country: string;
  /**
   * Area code without the national prefix (e.g. "30" for Berlin, "212" for Manhattan): numbers
   * dialled without it are local. Absent: the country has no local dialling here.
   */
  readonly areaCode?: string | undefined;
  /** Emergency numbers (e.g. 112, 911): never normalised, never blocked. */
  readonly emergencyNumbers: readonly string[];
}

export type ClassifiedNumber =
  | { readonly class: 'emergency'; readonly number: string }
  | { readonly class: 'local' | 'national' | 'international'; readonly e164: string }
  | { readonly class: 'invalid'; readonly reason: string };

export class NumberingError extends Error {}

/** The country's national (trunk) prefix and international (IDD) prefix, e.g. DE: "0" / "00". */
export function dialPrefixes(country: string): {
  national: string;
  international: string;
  callingCode: string;
} {
  const code = checkedCountry(country);
  const metadata = new Metadata();
  metadata.selectNumberingPlan(code);
  const plan = metadata.numberingPlan;
  if (!plan) throw new NumberingError(`no numbering plan for country ${country}`);
  // The library has nationalPrefix() at run time; its typings leave it out.
  const withPrefix = plan as typeof plan & { nationalPrefix?: () => string | undefined };
  return {
    national: withPrefix.nationalPrefix?.() ?? '',
    international: plan.IDDPrefix(),
    callingCode: getCountryCallingCode(code),
  };
}

function checkedCountry(country: string): CountryCode {
  const upper = country.toUpperCase();
  if (!isSupportedCountry(upper))
    throw new NumberingError(`unknown country "${country}" (ISO 3166-1 alpha-2)`);
  return upper;
}

/**
 * Classifies a dialled number (digits, `+` in front for E.164) and gives its E.164 form (ITU-T
 * E.164, `+<country code><national number>`), using libphonenumber's numbering plans:
 *
 * 1. an emergency number as configured → `emergency` (sent as dialled);
 * 2. `+…` or the country's international prefix (00, 011…) → `international`, or `national` when
 *    the country code is the PBX's own;
 * 3. with an area code set, a number without the national prefix that is valid once the area code
 *    is put in front → `local`;
 * 4. a valid national number (with its national prefix where the country uses one) → `national`;
 * 5. anything else → `invalid` (too short, too long, not a number of that country).
 */
export function classifyNumber(dialled: string, settings: NumberingSettings): ClassifiedNumber {
  if (settings.emergencyNumbers.includes(dialled)) return { class: 'emergency', number: dialled };
  if (!/^\+?[0-9]{1,32}$/.test(dialled)) return { class: 'invalid', reason: 'not a telephone number' };
  const country = checkedCountry(settings.country);
  const prefixes = dialPrefixes(country);
  const international = dialled.startsWith('+') || dialled.startsWith(prefixes.international);
  if (international) {
    const parsed = parsePhoneNumberFromString(dialled, country);
    if (!parsed?.isValid()) return { class: 'invalid', reason: 'not a valid international number' };
    const own = parsed.countryCallingCode === prefixes.callingCode;
    return { class: own ? 'national' : 'international', e164: parsed.number };
  }
  const area = settings.areaCode;
  if (area !== undefined && area !== '' && !(prefixes.national && dialled.startsWith(prefixes.national))) {
    const local = parsePhoneNumberFromString(`${prefixes.national}${area}${dialled}`, country);
    if (local?.isValid()) return { class: 'local', e164: local.number };
  }
  const national = parsePhoneNumberFromString(dialled, country);
  if (national?.isValid() && national.countryCallingCode === prefixes.callingCode)
    return { class: 'national', e164: national.number };
  return { class: 'invalid', reason: `not a valid number in ${country}` };
}

/** The E.164 form of a number as a provider presents it (with or without +, national or international). */
export function toE164(number: string, country: string): string | undefined {
  const parsed = parsePhoneNumberFromString(number, checkedCountry(country));
  return parsed?.isPossible() ? parsed.number : undefined;
}
