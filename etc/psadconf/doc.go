// Package psadconf reads psad's configuration (psad.conf's `KEY value;`
// lines) and translates it into an ifw.conf that behaves the same, for
// `ifw import psad`. The translation is a library so it is tested without
// the command line; psad's signatures and auto_dl files are not translated:
// ifw reads them in psad's format, and the imported [detect] names them.
// A psad key with no ifw equivalent is kept as a comment saying why, so an
// admin sees what was left behind.
package psadconf
