package httpapi_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/recert-dev/recert/api"
	"github.com/recert-dev/recert/internal/apitest"
	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/store"
)

// TestAuditPacket checks the packet of a member with 3 current attendances and 2 documents
// of self-reported activities in the period holds 1 + 3 + 3 + 2 + 1 files, each named in
// index.csv, which comes last; revoked attendance has nothing in it.
func TestAuditPacket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, apitest.Start(t, st))
		w.trackABCP(t)
		ctx := t.Context()
		w.attend(t, w.publishedEvent(t), w.member)
		w.attend(t, w.publishedEvent(t), w.member)
		gone := w.attend(t, w.publishedEvent(t), w.member)
		if r, _ := w.env.Client.RevokeAttendanceWithResponse(ctx, gone.ID, &api.RevokeAttendanceParams{Reason: "not present"}, w.as("organizer A")); r.StatusCode() != 200 {
			t.Fatalf("revoke: %s", r.Body)
		}
		pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		uploaded := map[string][]byte{}
		for _, doc := range []struct {
			ct   string
			data []byte
		}{{"application/pdf", pdf}, {"image/png", tinyPNG}} {
			act := w.activity(t)
			res, err := w.env.Client.UploadActivityEvidenceWithBodyWithResponse(ctx, w.member.ID, act.ID, doc.ct, bytes.NewReader(doc.data), w.as("member"))
			if err != nil || res.JSON201 == nil {
				t.Fatalf("evidence: %v %s", err, res.Body)
			}
			uploaded[res.JSON201.ID] = doc.data
		}

		period := &openapi_types.Date{Time: time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)}
		res, err := w.env.Client.GetAuditPacketWithResponse(ctx, w.member.ID, &api.GetAuditPacketParams{Program: "abcp-ccp-ceu", Period: period}, w.as("member"))
		if err != nil || res.StatusCode() != 200 || res.HTTPResponse.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("audit packet: %v %d %.200s", err, res.StatusCode(), res.Body)
		}
		if cd := res.HTTPResponse.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="audit-packet-`+w.member.ID) {
			t.Errorf("Content-Disposition %q", cd)
		}
		z, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		files := map[string][]byte{}
		for _, f := range z.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			names = append(names, f.Name)
			files[f.Name] = b
		}
		if len(names) != 1+3+3+2+1 || names[len(names)-1] != "index.csv" || names[0] != "transcript.pdf" {
			t.Fatalf("files %v: want the transcript, 3 certificates, 3 credentials, 2 documents, then index.csv", names)
		}
		rows, err := csv.NewReader(bytes.NewReader(files["index.csv"])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		indexed := map[string]bool{}
		for _, r := range rows[1:] {
			indexed[r[0]] = true
		}
		for _, n := range names[:len(names)-1] {
			if !indexed[n] {
				t.Errorf("%s is not in index.csv", n)
			}
			if strings.HasPrefix(n, "certificates/") && !bytes.HasPrefix(files[n], []byte("%PDF-")) {
				t.Errorf("%s is not a PDF", n)
			}
			if strings.Contains(n, gone.ID) {
				t.Errorf("the revoked attendance is in the packet: %s", n)
			}
		}
		for id, data := range uploaded {
			found := false
			for n, b := range files {
				if strings.Contains(n, id) && bytes.Equal(b, data) {
					found = true
				}
			}
			if !found {
				t.Errorf("document %s is not in the packet as uploaded", id)
			}
		}
		if !bytes.HasPrefix(files["credentials/"+w.attendance.ID+".jwt"], []byte("eyJ")) {
			t.Error("the world's attendance has no credential in the packet")
		}
	})
}
