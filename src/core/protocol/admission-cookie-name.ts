/**
 * The admission cookie's name, as the widget writes it (`admission-cookie`) and the gate reads it (server
 * `--admission-cookie`): one default and one rule for both sides, so that a name one side accepts the
 * other accepts too.
 */
export const DEFAULT_ADMISSION_COOKIE = 'antichambre_admission';

/** RFC 6265 cookie-name (an HTTP token), kept to 64 characters. */
export const ADMISSION_COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** ADMISSION_COOKIE_NAME in words, for the error messages of both sides. */
export const ADMISSION_COOKIE_RULE = "1 to 64 letters, digits or ! # $ % & ' * + - . ^ _ ` | ~ (no spaces, no = ; ,)";
