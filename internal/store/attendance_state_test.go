package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/recert-dev/recert/internal/recert"
)

// The history's JSON, written by hand, reads back as written and says what encoding/json
// would say, whatever the text it carries.
func TestEncodeStateIsTheJSONOfItsState(t *testing.T) {
	at := time.Date(2026, 4, 17, 9, 30, 0, 123456000, time.UTC)
	for name, a := range map[string]recert.Attendance{
		"sessions": {ID: "att_1", EventID: "evt_1", MemberID: "mem_1", Version: 3,
			Sessions: []recert.SessionCredit{{SessionID: "ses_1", CEUs: 150}, {SessionID: "ses_2", CEUs: 25}},
			Audit:    recert.Audit{CreatedAt: at, CreatedBy: "usr_1", UpdatedAt: at.Add(time.Hour), UpdatedBy: "usr_2"}},
		"revoked with words to escape": {ID: "att_2", EventID: "evt_1", MemberID: "mem_2", Version: 1, Sessions: []recert.SessionCredit{},
			CEUsAwarded: 1234, Revoked: true, RevokeReason: "Renée said \"no\" <twice> & left\n\ttab \\ slash \"version\":9",
			Audit: recert.Audit{CreatedAt: at, CreatedBy: "usr_ü", UpdatedAt: at, UpdatedBy: "usr_1"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := encodeState(a)
			st := attendanceState{ID: a.ID, EventID: a.EventID, MemberID: a.MemberID, Sessions: make([]sessionState, len(a.Sessions)),
				CEUsAwarded: a.CEUsAwarded, Revoked: a.Revoked, RevokeReason: a.RevokeReason, Version: a.Version,
				CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, UpdatedAt: a.UpdatedAt, UpdatedBy: a.UpdatedBy}
			for i, s := range a.Sessions {
				st.Sessions[i] = sessionState(s)
			}
			want, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("encodeState =\n%s\nencoding/json =\n%s", got, want)
			}
			if v := stateVersion(got); v != a.Version {
				t.Errorf("stateVersion = %d, want %d", v, a.Version)
			}
			back, err := decodeState(got)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a, back); diff != "" {
				t.Errorf("read back (-written +read):\n%s", diff)
			}
		})
	}
}

func TestEncodeSessionsReadsBack(t *testing.T) {
	ss := []recert.SessionCredit{{SessionID: "ses_1", CEUs: 150}, {SessionID: `odd"id`, CEUs: 5}}
	row := attendanceRow{Sessions: encodeSessions(ss)}
	a, err := row.attendance()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ss, a.Sessions); diff != "" {
		t.Errorf("sessions (-written +read):\n%s", diff)
	}
	if want := `[{"session_id":"ses_1","ceus":150},{"session_id":"odd\"id","ceus":5}]`; row.Sessions != want {
		t.Errorf("stored %s, want %s", row.Sessions, want)
	}
}
