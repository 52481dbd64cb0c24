package httpapi

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/recert-dev/recert/api"
	certpdf "github.com/recert-dev/recert/internal/certificate"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/openbadges"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/safecsv"
	"github.com/recert-dev/recert/internal/transcript"
)

// auditPacketBudget is how long writing an audit packet may take once its first byte is
// sent: within the HTTP server's write timeout (120 s), so a packet is cut off by Recert,
// without index.csv, rather than by the connection.
const auditPacketBudget = 110 * time.Second

// packetPlan is what an audit packet holds, read before its first byte is sent: a problem
// found then is still answered as one.
type packetPlan struct {
	transcript []byte
	attendance []recert.Attendance
	events     map[string]recert.Event
	evidence   []recert.Evidence
	activities map[string]recert.Activity
}

// GetAuditPacket streams a ZIP of what documents a member's program period: the
// transcript, each current attendance's certificate and credential, each self-reported
// activity's documents, and index.csv, written last.
func (s *Server) GetAuditPacket(ctx context.Context, req api.GetAuditPacketRequestObject) (api.GetAuditPacketResponseObject, error) {
	if err := s.ownRecord(ctx, req.MemberID); err != nil {
		return nil, err
	}
	q := ledger.Query{MemberID: req.MemberID, Program: req.Params.Program, Family: true, Scope: recert.AllOrganizations()}
	var err error
	if req.Params.Period != nil {
		if q.Period, err = asOfDate(req.Params.Period); err != nil {
			return nil, err
		}
	}
	if q.AsOf, err = asOfDate(req.Params.AsOf); err != nil {
		return nil, err
	}
	rep, err := s.progress.Report(ctx, q)
	if err != nil {
		return nil, err
	}
	plan, start, err := s.planPacket(ctx, req.MemberID, rep)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	// Its own budget, not the request's deadline (which bounds reading, not sending); a
	// client that goes away stops it at the next write.
	packetCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditPacketBudget)
	go func() {
		defer cancel()
		pw.CloseWithError(s.writePacket(packetCtx, pw, plan))
	}()
	disposition := fmt.Sprintf(`attachment; filename="audit-packet-%s-%s.zip"`, req.MemberID, start)
	return api.GetAuditPacket200ApplicationZipResponse{Body: pr, Headers: api.GetAuditPacket200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

// planPacket lists what the packet of the report's periods holds: the member's current
// attendance at events that start in a period, and the documents of their activities dated
// in a period.
func (s *Server) planPacket(ctx context.Context, memberID string, rep ledger.Report) (packetPlan, string, error) {
	plan := packetPlan{events: map[string]recert.Event{}, activities: map[string]recert.Activity{}}
	var err error
	if plan.transcript, err = transcript.PDF(render.Letter, transcript.FromReport(rep)); err != nil {
		return plan, "", err
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
		as, next, err := s.store.MemberAttendance(ctx, memberID, recert.AllOrganizations(), pg)
		if err != nil {
			return plan, "", err
		}
		for _, a := range as {
			if a.Revoked {
				continue
			}
			e, ok := plan.events[a.EventID]
			if !ok {
				if e, err = s.store.Event(ctx, a.EventID); err != nil {
					return plan, "", err
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
	docs, err := s.store.MemberEvidence(ctx, memberID)
	if err != nil {
		return plan, "", err
	}
	for _, d := range docs {
		if d.ActivityID == "" {
			continue // an attendance's own copy of the sponsor's certificate: the packet has Recert's
		}
		act, ok := plan.activities[d.ActivityID]
		if !ok {
			if act, err = s.store.Activity(ctx, d.ActivityID); err != nil {
				return plan, "", err
			}
			plan.activities[d.ActivityID] = act
		}
		if act.Counts() && in(act.Date) {
			plan.evidence = append(plan.evidence, d)
		}
	}
	return plan, start, nil
}

var extensions = map[string]string{"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

// writePacket writes the ZIP, a document at a time, index.csv last.
func (s *Server) writePacket(ctx context.Context, w io.Writer, plan packetPlan) error {
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
		cred, err := s.credentials.Current(ctx, a)
		if err != nil {
			return err
		}
		url := openbadges.VerifyURL(s.publicURL, cred.ID)
		pdf, err := certpdf.PDF(render.Letter, certpdf.FromCredential(cred, url))
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
		full, err := s.store.Evidence(ctx, d.ID)
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
