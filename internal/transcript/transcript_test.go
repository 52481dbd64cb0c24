package transcript_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/render"
	"github.com/recert-dev/recert/internal/render/rendertest"
	"github.com/recert-dev/recert/internal/transcript"
)

func TestTranscriptPDF(t *testing.T) {
	day := time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)
	pr := transcript.Program{Name: "ABCP CCP: continuing education", Start: day.AddDate(-2, 0, 0), End: day.AddDate(1, 0, 0),
		Status: "On track", Summary: "On track: 12.00 of 45.00 CEUs counted.", UnitName: "CEUs",
		Totals:     []transcript.Total{{What: "CEUs", Required: "45.00", Counted: "12.00", Remains: "33.00"}},
		NotCounted: []transcript.NotCounted{{Date: day, Description: "Self-directed module", Amount: "2.00", Why: "over the self-directed cap of 10.00 CEUs"}}}
	for i := range 80 { // enough lines for several pages
		pr.Lines = append(pr.Lines, transcript.Line{Date: day, Activity: "Meeting or live webinar", Description: fmt.Sprintf("Session %d", i),
			Category: "I", Claimed: "1.50", Counted: "1.50", Verification: "Sponsor-verified"})
	}
	pdf, err := transcript.PDF(render.Letter, transcript.Transcript{MemberName: "Renée Roy", ABCPID: "123456", AsOf: day, Programs: []transcript.Program{pr}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := rendertest.Text(t, pdf)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Transcript of continuing education", "Renée Roy · ABCP ID 123456", "Session 0", "Session 79",
		"Sponsor-verified", "over the self-directed cap", "33.00"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if os.Getenv("TRANSCRIPT_VIEW") != "" {
		_ = os.WriteFile("/tmp/transcript.pdf", pdf, 0o644)
	}
	if pages := strings.Count(text, "\f"); pages < 2 {
		t.Errorf("%d pages for 80 lines, want the table to run on", pages)
	}
}
