package roster_test

import (
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/roster"
)

func TestReadParticipantsZoomReport(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip(err)
	}
	report := "\uFEFFMeeting ID,Topic,Start Time,End Time\r\n" +
		"812 3456 7890,Perfusion update S1,03/14/2026 09:00:00 AM,03/14/2026 10:00:00 AM\r\n" +
		"\r\n" +
		"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n" +
		"Pat Lee,pat@example.org,03/14/2026 09:00:00 AM,03/14/2026 09:30:00 AM,30,No\r\n" +
		"Pat Lee,PAT@example.org,03/14/2026 09:20:00 AM,03/14/2026 09:45:00 AM,25,No\r\n" +
		"Pat Lee (phone),pat@example.org,03/14/2026 09:44:00 AM,03/14/2026 09:52:00 AM,8,No\r\n" +
		"Sam Roe,sam@example.org,03/14/2026 09:10:00 AM,03/14/2026 09:50:00 AM,40,No\r\n"
	got, _, err := roster.ReadParticipants([]byte(report), loc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Email != "pat@example.org" || got[1].Email != "sam@example.org" {
		t.Fatalf("participants %+v", got)
	}
	from := time.Date(2026, 3, 14, 9, 0, 0, 0, loc)
	if s := recert.PresentSeconds(got[0].Intervals, from, from.Add(time.Hour)); s != 52*60 {
		t.Errorf("Pat present %d s, want 52 minutes counted once", s)
	}
	if s := recert.PresentSeconds(got[1].Intervals, from, from.Add(time.Hour)); s != 40*60 {
		t.Errorf("Sam present %d s, want 40 minutes", s)
	}
	if got[0].Intervals[0].Start.UTC().Hour() != 14 {
		t.Errorf("zoneless time not read in the event's zone: %v", got[0].Intervals[0].Start)
	}
}

func TestReadParticipantsGeneric(t *testing.T) {
	csv := "email,join,leave\na@example.org,2026-03-14T09:00:00Z,2026-03-14T09:50:30Z\n"
	got, _, err := roster.ReadParticipants([]byte(csv), time.UTC)
	if err != nil || len(got) != 1 || got[0].Intervals[0].End.Sub(got[0].Intervals[0].Start) != 50*time.Minute+30*time.Second {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestReadParticipantsRefusesBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"no header":     "a,b,c\n1,2,3\n",
		"bad time":      "email,join,leave\na@example.org,soon,later\n",
		"leave first":   "email,join,leave\na@example.org,2026-03-14T10:00:00Z,2026-03-14T09:00:00Z\n",
		"missing email": "email,join,leave\n,2026-03-14T09:00:00Z,2026-03-14T10:00:00Z\n",
	} {
		_, _, err := roster.ReadParticipants([]byte(in), time.UTC)
		if c := recert.ErrorCode(err); c != recert.EBADREQUEST && c != recert.EINVALID {
			t.Errorf("%s: %v, want a coded error", name, err)
		}
	}
}
