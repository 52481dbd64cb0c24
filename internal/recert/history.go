package recert

import (
	"strconv"
	"strings"
	"time"
)

// FieldChange is one field of a record changed: its name as the contract spells it, and its
// value before and after, as text ("" when empty).
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
}

// RecordChange is one change to a member's record: the version it made, when and by whom.
type RecordChange struct {
	Version int
	At      time.Time
	By      string
	Fields  []FieldChange
}

// Diff lists the fields of the member record that differ in after.
func (m Member) Diff(after Member) []FieldChange {
	var out []FieldChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, FieldChange{Field: field, From: from, To: to})
		}
	}
	add("name", m.Name, after.Name)
	add("email", m.Email, after.Email)
	add("abcp_id", m.ABCPID, after.ABCPID)
	add("abcp_cycle", number(m.ABCPCycle), number(after.ABCPCycle))
	add("certification_date", day(m.CertificationDate), day(after.CertificationDate))
	add("birth_month", number(m.BirthMonth), number(after.BirthMonth))
	add("society_class", m.SocietyClass, after.SocietyClass)
	add("status", m.Status, after.Status)
	add("tracking_since", day(m.TrackingSince), day(after.TrackingSince))
	add("licenses", licences(m.Licenses), licences(after.Licenses))
	return out
}

func number(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func day(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// licences reads as "WI P-100 (issued 2024-01-01), MN MN-7".
func licences(ls []License) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = l.State + " " + l.Number
		if !l.IssuedOn.IsZero() {
			parts[i] += " (issued " + l.IssuedOn.String() + ")"
		}
		if !l.ExpiresOn.IsZero() {
			parts[i] += " (expires " + l.ExpiresOn.String() + ")"
		}
	}
	return strings.Join(parts, ", ")
}
