package progress

import (
	"errors"
	"strconv"
	"strings"
)

// Errors for member facts a program needs but the caller did not give. They are wrapped with
// the program id; test with errors.Is.
var (
	// ErrCycleRequired: ABCP CEU periods follow the member's ABCP cycle, which is entered from
	// ABCP and never derived (Decision 3).
	ErrCycleRequired = errors.New("progress: the member's ABCP cycle (1, 2 or 3) is required: it is assigned by ABCP and must be entered, it is never derived")
	// ErrBirthMonthRequired: birth-month bienniums end in the member's birth month.
	ErrBirthMonthRequired = errors.New("progress: the member's birth month is required for a birth-month biennium")
	// ErrLicenseDateRequired: the period layout is anchored on the member's licence date.
	ErrLicenseDateRequired = errors.New("progress: the member's licence issue date is required for this period layout")
	// ErrWrongKind: a credit program was given to EvaluateClinical or the reverse.
	ErrWrongKind = errors.New("progress: wrong program kind for this evaluation")
	// ErrSummed: a credit standing for several alike (Credit.Count) was refused, cut, or in a
	// maximum that bound, where each of them may fare differently: the answer needs a read of
	// each credit. An evaluation that explains every credit (Options.Credits) needs it too.
	ErrSummed = errors.New("progress: summed credits need to be read one by one for this evaluation")
)

// FieldError is one problem in a document, located by a JSON Pointer in fragment form
// ("#/caps/0/per_period").
type FieldError struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a program, a credit list or member facts, so an
// API can answer 422 with one pointer per field.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

// Error joins the field problems.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Pointer + ": " + f.Message
	}
	return "progress: invalid: " + strings.Join(parts, "; ")
}

// validator collects field errors.
type validator struct{ errs []FieldError }

// check records msg at pointer unless ok.
func (v *validator) check(ok bool, pointer, msg string) bool {
	if !ok {
		v.errs = append(v.errs, FieldError{Pointer: pointer, Message: msg})
	}
	return ok
}

// elem checks one field of one element of a list, formatting the pointer only on failure
// ("#/credits/3/amount"), since inputs run to thousands of elements.
func (v *validator) elem(ok bool, list string, i int, field, msg string) {
	if !ok {
		v.errs = append(v.errs, FieldError{Pointer: "#/" + list + "/" + strconv.Itoa(i) + "/" + field, Message: msg})
	}
}

// err returns the collected errors as a *ValidationError, or nil.
func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: v.errs}
}

// SetupSentence says, for a member, what fact a program still needs before it can be laid
// out, and who can enter it (Decision 3); ok is false when err is not a missing fact.
func SetupSentence(err error) (sentence string, ok bool) {
	switch {
	case errors.Is(err, ErrCycleRequired):
		return "Needs setup: ABCP gives each CCP a cycle (1, 2 or 3) that sets when their CEU periods end; enter it on your profile or ask your society.", true
	case errors.Is(err, ErrBirthMonthRequired):
		return "Needs setup: this licence's periods end in your birth month; enter it on your profile or ask your society.", true
	case errors.Is(err, ErrLicenseDateRequired):
		return "Needs setup: this licence's periods start from its issue date; enter it on your profile or ask your society.", true
	}
	return "", false
}
