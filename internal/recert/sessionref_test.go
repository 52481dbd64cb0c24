package recert_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/recert"
)

// meeting is an event whose titles hold commas and share words, as real programmes do.
var meeting = recert.Event{Sessions: []recert.Session{
	{ID: "ses_1", Code: "S1", Title: "ECMO Circuit Management Update"},
	{ID: "ses_2", Code: "S2", Title: "Blood Management, Conservation and Transfusion"},
	{ID: "ses_3", Code: "S3", Title: "Ethics"},
	{ID: "ses_4", Code: "S4", Title: "Pediatric ECMO Weaning"},
	{ID: "ses_5", Code: "S10", Title: "Conservation"},
}}

func codes(ss []recert.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Code)
	}
	return out
}

func TestSessionRefs(t *testing.T) {
	tests := []struct {
		name, cell        string
		sessions, unknown []string
	}{
		{"empty names nothing", "  ", nil, nil},
		{"a code", "s1", []string{"S1"}, nil},
		{"an id", "ses_3", []string{"S3"}, nil},
		{"a title with commas, whole", "blood management, conservation and transfusion", []string{"S2"}, nil},
		{"codes split on commas", "S1, S3", []string{"S1", "S3"}, nil},
		{"codes split on semicolons and bars", "S1;S3 | S4", []string{"S1", "S3", "S4"}, nil},
		{"titles split on semicolons", "Ethics; Blood Management, Conservation and Transfusion", []string{"S3", "S2"}, nil},
		{"titles split on commas", "Ethics, Conservation", []string{"S3", "S10"}, nil},
		{"a title not split when a part is unknown", "Blood Management, Conservation", []string{"S10"}, []string{"Blood Management"}},
		{"an unknown cell stays whole", "ECMO Update", nil, []string{"ECMO Update"}},
		{"an unknown comma cell stays whole", "Lunch, and talks", nil, []string{"Lunch, and talks"}},
		{"one unknown part of a list", "S1; ECMO Update", []string{"S1"}, []string{"ECMO Update"}},
		{"one unknown part of a comma list", "S1, Ethcis", []string{"S1"}, []string{"Ethcis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unknown := meeting.SessionRefs(tt.cell)
			if diff := cmp.Diff(tt.sessions, codes(got)); diff != "" {
				t.Errorf("sessions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.unknown, unknown); diff != "" {
				t.Errorf("unknown (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSuggestSessions(t *testing.T) {
	tests := []struct {
		name, ref string
		want      []string
	}{
		{"words of a title", "ECMO Update", []string{"S1"}},
		{"a prefix", "ECMO Circuit", []string{"S1"}},
		{"a prefix, folded", "blood-management", []string{"S2"}},
		{"a code with a leading zero", "S01", []string{"S1"}},
		{"a code with a space", "s 10", []string{"S10"}},
		{"a typo", "Ethcis", []string{"S3"}},
		{"a typo in a long title", "Pediatric ECMO Weening", []string{"S4"}},
		{"most of a title", "ECMO Weaning for adults", []string{"S4"}},
		{"another code is not close", "S5", nil},
		{"an unrelated title", "Lunch", nil},
		{"a shared word alone is not close", "Management", []string{"S1", "S2"}},
		{"stop words do not count", "the and of", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, codes(meeting.SuggestSessions(tt.ref))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknownSession(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"ECMO Update", `"ECMO Update" is not a session of this event; did you mean S1 "ECMO Circuit Management Update"?`},
		{"Lunch", `"Lunch" is not a session of this event; its sessions are S1, S2, S3, S4, S10`},
	}
	for _, tt := range tests {
		if got := meeting.UnknownSession(tt.ref); got != tt.want {
			t.Errorf("UnknownSession(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

// FuzzSessionRefs: whatever a cell holds, reading it never fails, names only sessions of the
// event, and leaves unknown only non-empty names; a suggestion is always one of the sessions.
func FuzzSessionRefs(f *testing.F) {
	for _, s := range []string{"S1; ECMO Update", "Blood Management, Conservation", "s 01", "Ethcis", ";|,", "é\xff"} {
		f.Add(s)
	}
	x := meeting.Index()
	f.Fuzz(func(t *testing.T, cell string) {
		sessions, unknown := x.Refs(cell)
		for _, s := range sessions {
			if _, ok := meeting.SessionByRef(s.ID); !ok {
				t.Fatalf("%q named %+v, not a session of the event", cell, s)
			}
		}
		for _, u := range unknown {
			if u == "" {
				t.Fatalf("%q left an empty unknown name", cell)
			}
			for _, s := range x.Suggest(u) {
				if _, ok := meeting.SessionByRef(s.ID); !ok {
					t.Fatalf("%q suggested %+v", u, s)
				}
			}
			_ = x.Unknown(u)
		}
	})
}
