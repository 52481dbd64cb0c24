package web

import (
	"errors"
	"html/template"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// A formProblem is one field's problem as a form shows it: beside the input whose id it
// names, and in the list above the form under the label the form gives the field.
type formProblem struct {
	ID, Label, Detail string
}

const problemsKey = "web.problems"

// fieldLabels are the words forms label their fields with, where the field's name does not
// read as a label.
var fieldLabels = map[string]string{
	"organization_id": "Organization",
	"time_zone":       "Time zone",
	"start_date":      "First day",
	"end_date":        "Last day",
	"category":        "ABCP category",
	"approval_ref":    "ABCP approval reference",
	"approved_by":     "Also approved by",
	"ceus":            "CEUs",
	"evidence":        "Document",
	"post_test_score": "Post-test score",
	"kind":            "What is wrong",
	"message":         "Your message",
}

// A formList is a list a form shows as numbered rows of inputs: the event form's sessions,
// the clinical log's lines, the profile's licences. Row n's field f (#/sessions/n/f) is the
// input {prefix}{n}-f, labelled "{Row} {n+1} {labels[f]}", as the form numbers its rows from 1.
type formList struct {
	prefix, row string
	labels      map[string]string
}

var formLists = map[string]formList{
	"sessions": {"s", "Session", map[string]string{"code": "code", "title": "title", "date": "day", "ceus": "CEUs", "category": "category", "start_time": "start", "end_time": "end"}},
	"lines":    {"l", "Line", map[string]string{"date": "date", "type": "kind of case", "role": "role", "count": "shifts", "case_reference": "case number"}},
	"licenses": {"lic", "Licence", map[string]string{"state": "state", "number": "number", "issued_on": "issue date", "expires_on": "expiry date"}},
}

// formProblems are err's field problems as the form shows them: a row's pointer
// (#/sessions/0/ceus) names the form's input s0-ceus, labelled "Session 1 CEUs", as the
// form numbers its rows from 1 (see formLists).
func formProblems(err error) []formProblem {
	var e *recert.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []formProblem
	for _, f := range e.Fields {
		parts := strings.Split(strings.TrimPrefix(f.Pointer, "#/"), "/")
		fp := formProblem{ID: parts[0], Label: label(parts[0]), Detail: f.Detail}
		if l, ok := formLists[parts[0]]; ok && len(parts) == 3 {
			if i, err := strconv.Atoi(parts[1]); err == nil {
				fp.ID = l.prefix + parts[1] + "-" + parts[2]
				fp.Label = l.row + " " + strconv.Itoa(i+1) + " " + l.labels[parts[2]]
			}
		}
		out = append(out, fp)
	}
	return out
}

// label is the words for a field's name.
func label(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return l
	}
	name = strings.ReplaceAll(name, "_", " ")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// setProblems keeps err's field problems for the page to show beside their fields, and
// reports whether there are any.
func setProblems(c echo.Context, err error) bool {
	ps := formProblems(err)
	if len(ps) > 0 {
		c.Set(problemsKey, ps)
		if m := overall(err); m != "" {
			c.Set(errorKey, m)
		}
	}
	return len(ps) > 0
}

// overall is what err says beyond its fields' problems ("the password does not meet the
// policy"), or "" when its message only names each field with its problem.
func overall(err error) string {
	var e *recert.Error
	if !errors.As(err, &e) {
		return ""
	}
	// A field's problem may itself hold "; " (`"x" is not a session; its sessions are S1`):
	// take each field's words out of the message whole, and see whether anything else is said.
	rest := e.Message
	for _, f := range e.Fields {
		if named := strings.TrimPrefix(f.Pointer, "#/") + ": " + f.Detail; strings.Contains(rest, named) {
			rest = strings.Replace(rest, named, "", 1)
		} else {
			rest = strings.Replace(rest, f.Detail, "", 1)
		}
	}
	if strings.Trim(rest, "; ") != "" {
		return e.Message
	}
	return ""
}

// Problem is what the page says of the field whose input has id, or "".
func (v view) Problem(id string) string {
	for _, p := range v.Problems {
		if p.ID == id {
			return p.Detail
		}
	}
	return ""
}

// fieldAttrs are the attributes of the input with id: invalid and described by its problem
// when it has one, and by hints (other elements' ids) in any case.
func fieldAttrs(v view, id string, hints ...string) template.HTMLAttr {
	var b strings.Builder
	if v.Problem(id) != "" {
		b.WriteString(` aria-invalid="true"`)
		hints = append([]string{id + "-problem"}, hints...)
	}
	if len(hints) > 0 {
		b.WriteString(` aria-describedby="` + template.HTMLEscapeString(strings.Join(hints, " ")) + `"`)
	}
	return template.HTMLAttr(b.String())
}

// fieldProblem is the paragraph that says the problem of the input with id, if any.
func fieldProblem(v view, id string) template.HTML {
	d := v.Problem(id)
	if d == "" {
		return ""
	}
	return template.HTML(`<p id="` + template.HTMLEscapeString(id) + `-problem" class="field-problem">` + template.HTMLEscapeString(d) + `</p>`)
}
