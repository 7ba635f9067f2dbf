package apperr

import "errors"

// Concealed is the cause of a not-found answer given for an object that
// exists but that the caller may not know of (another owner's draft,
// another organisation's file): the caller gets exactly the answer a
// missing object gets, while the HTTP layer, seeing the cause, records the
// attempt in the audit log.
var Concealed = errors.New("apperr: concealed from the caller")

// Hidden is NotFound(what) caused by Concealed.
func Hidden(what string) *Error { return NotFound(what).Wrap(Concealed) }
