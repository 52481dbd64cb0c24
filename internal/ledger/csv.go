package ledger

import (
	"bytes"
	"strings"

	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/safecsv"
)

// CreditsCSV writes a member's credits as CSV, one line per credit, cells safe to open in a
// spreadsheet.
func CreditsCSV(credits []recert.Credit) []byte {
	var buf bytes.Buffer
	w := safecsv.NewWriter(&buf)
	_ = w.Write([]string{"date", "category", "ceus", "event_title", "session_title", "organization", "approval_ref",
		"format", "verified", "event_id", "session_id", "attendance_id"})
	for _, c := range credits {
		verified := "no"
		if c.Verified {
			verified = "yes"
		}
		_ = w.Write([]string{c.Date.String(), c.Category, c.CEUs.String(), c.EventTitle, c.SessionTitle, c.OrganizationName,
			c.ApprovalRef, c.Format, verified, c.EventID, c.SessionID, c.AttendanceID})
	}
	w.Flush()
	return buf.Bytes()
}

// AttendanceCSV writes an event's attendance as a spreadsheet, in the roster's own
// vocabulary: people (who, by attendance id), session codes, CEUs and whether it counts.
func AttendanceCSV(ev recert.Event, held []Held, who map[string]MemberRef) []byte {
	codes := map[string]string{}
	for _, ses := range ev.Sessions {
		codes[ses.ID] = ses.Code
	}
	var buf bytes.Buffer
	w := safecsv.NewWriter(&buf)
	_ = w.Write([]string{"name", "abcp_id", "email", "sessions", "ceus", "status", "attendance_id", "member_id"})
	for _, h := range held {
		m := who[h.ID]
		var cs []string
		for _, x := range h.Sessions {
			cs = append(cs, codes[x.SessionID])
		}
		status := "counts"
		if h.Revoked {
			status = "revoked: " + h.RevokeReason
		}
		_ = w.Write([]string{m.Name, m.ABCPID, m.Email, strings.Join(cs, ";"), h.Total().String(), status, h.ID, h.MemberID})
	}
	w.Flush()
	return buf.Bytes()
}
