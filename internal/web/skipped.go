package web

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// skipped are the rows a confirmed roster did not post, kept on the page with their reasons
// so the organizer can fix them and post them again.
type skipped struct {
	Rows        []previewRow
	Raw         string // the roster, base64, for the download of its skipped rows
	AllSessions bool
}

// skippedOf are res's rejected rows, or nil when every row went through.
func skippedOf(res ledger.RosterResult, raw []byte, all bool) *skipped {
	var rows []previewRow
	for _, r := range res.Rows {
		if r.Status == ledger.RowRejected {
			rows = append(rows, rowOf(r))
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return &skipped{Rows: rows, Raw: base64.StdEncoding.EncodeToString(raw), AllSessions: all}
}

// skippedCSV downloads the skipped rows of a roster as the file had them, heading line first,
// ready to fix and upload again. Which rows are skipped is read again by a dry run, which
// writes nothing.
func (p *Pages) skippedCSV(c echo.Context) error {
	ev, u, err := p.managedEvent(c)
	if err != nil {
		return p.fail(c, err)
	}
	raw, err := base64.StdEncoding.DecodeString(c.FormValue("roster"))
	if err != nil || len(raw) == 0 {
		return p.fail(c, recert.Errorf(recert.EBADREQUEST, "the roster is missing; upload it again"))
	}
	res, err := p.postRoster(ctxOf(c), ev, u, raw, c.FormValue("all_sessions") == "true", true)
	if err != nil {
		return p.fail(c, err)
	}
	lines := map[int]bool{}
	for _, r := range res.Rows {
		if r.Status == ledger.RowRejected {
			lines[r.Row.Line] = true
		}
	}
	out, err := rowsOnLines(raw, lines)
	if err != nil {
		return p.fail(c, recert.Wrap(err, recert.EBADREQUEST, "the roster cannot be read again; upload it again"))
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="skipped-rows.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", out)
}

// rowsOnLines is the CSV's heading line and the records that start on the given lines.
func rowsOnLines(raw []byte, lines map[int]bool) ([]byte, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if line, _ := r.FieldPos(0); first || lines[line] {
			if err := w.Write(rec); err != nil {
				return nil, err
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
