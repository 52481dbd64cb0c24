package ledger

import (
	"bytes"

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
