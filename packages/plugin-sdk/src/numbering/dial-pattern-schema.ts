import { z } from 'zod';
import { DialPatternError, compileDialPattern } from './dial-pattern.js';

/**
 * A dial pattern in a plugin's configuration, compiled when the configuration is loaded so a bad one
 * is refused at start-up with the compiler's reason.
 */
export const dialPatternSchema = z.string().superRefine((value, ctx) => {
  try {
    compileDialPattern(value);
  } catch (err) {
    if (err instanceof DialPatternError) ctx.addIssue({ code: 'custom', message: err.reason });
    else throw err;
  }
});
