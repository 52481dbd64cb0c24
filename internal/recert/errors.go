// Package recert is Recert's vocabulary: the domain types and errors every other package
// speaks. It imports nothing of ours and knows nothing of HTTP or SQL.
package recert

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Error codes: the small, closed set of ways an operation can fail. The HTTP layer maps
// each to one status in one table.
const (
	EBADREQUEST   = "bad_request"  // the request itself is malformed (a bad cursor, a missing field)
	EINVALID      = "invalid"      // the input breaks a rule
	ENOTFOUND     = "not_found"    // no such object, or not one the caller may see
	ECONFLICT     = "conflict"     // the object's current state forbids the change
	EGONE         = "gone"         // the object was there and no longer works (a revoked or expired share link)
	EPRECONDITION = "precondition" // the object changed since the caller read it (If-Match)
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials without the right
	ETOOLARGE     = "too_large"    // the input exceeds a size limit
	ERATELIMITED  = "rate_limited" // too many attempts; retry later
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) cannot be reached
	EINTERNAL     = "internal"     // anything else: a defect or an unexpected failure
)

// FieldError locates one invalid input value.
type FieldError struct {
	// Location is body, query, path or header.
	Location string
	// Pointer is a JSON Pointer in fragment form (#/sessions/0/ceus) within Location.
	Pointer string
	// Detail says what is wrong, for a person to read.
	Detail string
}

// Error is a failure with a code, a message safe to show the caller, and optional field
// errors. Err keeps the cause for the log; it is never shown.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with code and message that keeps err as its cause.
func Wrap(err error, code, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first Error in err's chain, EINTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Throttled is an ERATELIMITED failure that knows how long the caller must wait.
type Throttled struct {
	Wait time.Duration
	What string // what was refused, for the message; "" for "too many attempts"
}

// Seconds is the wait in whole seconds, at least one: what Retry-After says.
func (e *Throttled) Seconds() int { return max(1, int(math.Ceil(e.Wait.Seconds()))) }

func (e *Throttled) Error() string {
	what := e.What
	if what == "" {
		what = "too many attempts"
	}
	return fmt.Sprintf("%s; retry in %d seconds", what, e.Seconds())
}

// Unwrap makes it an ERATELIMITED Error.
func (e *Throttled) Unwrap() error { return Errorf(ERATELIMITED, "%s", e.Error()) }
