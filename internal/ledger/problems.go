package ledger

import (
	"errors"
	"strings"

	"github.com/recert-dev/recert/internal/recert"
)

// Problems gathers every field problem of one input, so that people correct them all in one
// go instead of one per submit. A field keeps its first problem only.
type Problems []recert.FieldError

// Add records detail for the field at pointer ("#/title"), unless it already has a problem.
func (p *Problems) Add(pointer, detail string) {
	for _, f := range *p {
		if f.Pointer == pointer {
			return
		}
	}
	*p = append(*p, recert.FieldError{Location: "body", Pointer: pointer, Detail: detail})
}

// Merge adds the field problems of an EINVALID err and reports whether it took them; any
// other error is not a field's and is left to the caller.
func (p *Problems) Merge(err error) bool {
	var e *recert.Error
	if !errors.As(err, &e) || e.Code != recert.EINVALID || len(e.Fields) == 0 {
		return err == nil
	}
	for _, f := range e.Fields {
		p.Add(f.Pointer, f.Detail)
	}
	return true
}

// Err is the EINVALID error listing every problem, or nil when there is none; its message
// names each field once with its problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msgs := make([]string, len(p))
	for i, f := range p {
		msgs[i] = strings.TrimPrefix(f.Pointer, "#/") + ": " + f.Detail
	}
	return &recert.Error{Code: recert.EINVALID, Message: strings.Join(msgs, "; "), Fields: append([]recert.FieldError(nil), p...)}
}
