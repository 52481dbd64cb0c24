// Package auditpacket writes a member's audit packet for a program period: a ZIP of the
// transcript, each current attendance's certificate and credential, each self-reported
// activity's documents, and index.csv, written last so that a cut-off download is told apart.
// The API and the pages stream the same packet.
package auditpacket

import (
	"archive/zip"
	"context"
	"io"
	"time"

	"github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/safecsv"
	"github.com/recert-dev/recert/internal/transcript"
)

// Budget is how long writing a packet may take once its first byte is sent: within the
// HTTP server's write timeout (120 s), so a packet is cut off by Recert, without index.csv,
// rather than by the connection.
const Budget = 110 * time.Second

// Store is what a packet reads.
type Store interface {
	MemberAttendance(ctx context.Context, memberID string, scope recert.Scope, p recert.Page) ([]recert.Attendance, string, error)
	Event(ctx context.Context, id string) (recert.Event, error)
	Activity(ctx context.Context, id string) (recert.Activity, error)
	// MemberEvidence lists a member's documents without their bytes; Evidence reads one whole.
	MemberEvidence(ctx context.Context, memberID string) ([]recert.Evidence, error)
	Evidence(ctx context.Context, id string) (recert.Evidence, error)
}

// Credentials gives an attendance's credential as it stands, issuing it the first time.
type Credentials interface {
	Current(ctx context.Context, a recert.Attendance) (recert.Credential, error)
}

// Plan is what a packet holds, read before its first byte is sent: a problem found then is
// still answered as one.
type Plan struct {
	transcript []byte
	attendance []recert.Attendance
	events     map[string]recert.Event
	evidence   []recert.Evidence
	activities map[string]recert.Activity
	// Start is the first day of the report's first period, for the file's name.
	Start string
}

// Writer writes packets from a store and credentials; verification addresses start with
// PublicURL.
type Writer struct {
	Store       Store
	Credentials Credentials
	PublicURL   string
}

// Stream writes the plan's packet into the returned reader as it is read, within Budget from
// now, whatever ctx's own deadline (which bounds reading, not sending); a reader that stops
// reading stops it at the next write.
func (x Writer) Stream(ctx context.Context, plan Plan) io.ReadCloser {
	pr, pw := io.Pipe()
	packetCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Budget)
	go func() {
		defer cancel()
		pw.CloseWithError(x.Write(packetCtx, pw, plan))
	}()
	return pr
}

// Plan lists what the packet of the report's periods holds: the member's current
// attendance at events that start in a period, and the documents of their activities dated
// in a period.
func (x Writer) Plan(ctx context.Context, memberID string, rep ledger.Report) (Plan, error) {
	plan := Plan{events: map[string]recert.Event{}, activities: map[string]recert.Activity{}}
	var err error
	if plan.transcript, err = transcript.PDF(render.Letter, transcript.FromReport(rep)); err != nil {
		return plan, err
	}
	in := func(d recert.Date) bool {
		for _, pr := range rep.Reports {
			if !d.Before(pr.Start) && !pr.End.Before(d) {
				return true
			}
		}
		return false
	}
	start := ""
	if len(rep.Reports) > 0 {
		start = rep.Reports[0].Start.String()
	}
	pg := recert.Page{Limit: 500}
	for {
		as, next, err := x.Store.MemberAttendance(ctx, memberID, recert.AllOrganizations(), pg)
		if err != nil {
			return plan, err
		}
		for _, a := range as {
			if a.Revoked {
				continue
			}
			e, ok := plan.events[a.EventID]
			if !ok {
				if e, err = x.Store.Event(ctx, a.EventID); err != nil {
					return plan, err
				}
				plan.events[a.EventID] = e
			}
			if in(e.StartDate) {
				plan.attendance = append(plan.attendance, a)
			}
		}
		if next == "" {
			break
		}
		pg.After = next
	}
	docs, err := x.Store.MemberEvidence(ctx, memberID)
	if err != nil {
		return plan, err
	}
	for _, d := range docs {
		if d.ActivityID == "" {
			continue // an attendance's own copy of the sponsor's certificate: the packet has Recert's
		}
		act, ok := plan.activities[d.ActivityID]
		if !ok {
			if act, err = x.Store.Activity(ctx, d.ActivityID); err != nil {
				return plan, err
			}
			plan.activities[d.ActivityID] = act
		}
		if act.Counts() && in(act.Date) {
			plan.evidence = append(plan.evidence, d)
		}
	}
	plan.Start = start
	return plan, nil
}

var extensions = map[string]string{"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

// Write writes the ZIP, a document at a time, index.csv last.
func (x Writer) Write(ctx context.Context, w io.Writer, plan Plan) error {
	z := zip.NewWriter(w)
	var index [][]string
	add := func(name string, data []byte, row ...string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now().UTC()})
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
		index = append(index, append([]string{name}, row...))
		return nil
	}
	if err := add("transcript.pdf", plan.transcript, "transcript", "", "", "The transcript of the period"); err != nil {
		return err
	}
	for _, a := range plan.attendance {
		cred, err := x.Credentials.Current(ctx, a)
		if err != nil {
			return err
		}
		url := openbadges.VerifyURL(x.PublicURL, cred.ID)
		pdf, err := certificate.PDF(render.Letter, certificate.FromCredential(cred, url))
		if err != nil {
			return err
		}
		what := cred.Statement.EventTitle + " (" + cred.Statement.Sponsor + "), " + cred.Statement.Total.String() + " CEUs; " + url
		date := cred.Statement.StartDate.String()
		if err := add("certificates/"+a.ID+".pdf", pdf, "certificate", a.ID, date, what); err != nil {
			return err
		}
		if err := add("credentials/"+a.ID+".jwt", []byte(cred.VCJWT), "credential", a.ID, date, "Open Badges 3.0 credential (VC-JWT) of "+what); err != nil {
			return err
		}
	}
	for _, d := range plan.evidence {
		full, err := x.Store.Evidence(ctx, d.ID)
		if err != nil {
			return err
		}
		act := plan.activities[d.ActivityID]
		name := "evidence/" + d.ActivityID + "/" + d.ID + "." + extensions[d.ContentType]
		if err := add(name, full.Data, "evidence", d.ActivityID, act.Date.String(), act.Title+" (self-reported; SHA-256 "+d.SHA256+")"); err != nil {
			return err
		}
	}
	f, err := z.CreateHeader(&zip.FileHeader{Name: "index.csv", Method: zip.Deflate, Modified: time.Now().UTC()})
	if err != nil {
		return err
	}
	cw := safecsv.NewWriter(f)
	if err := cw.Write([]string{"file", "kind", "credit", "date", "what"}); err != nil {
		return err
	}
	for _, row := range index {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return z.Close()
}
