/** Body types we accept (RFC 3261 §20.1): session descriptions only. */
export const ACCEPT = 'application/sdp';
export const ACCEPT_LANGUAGE = 'en';
