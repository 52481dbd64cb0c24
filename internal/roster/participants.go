package roster

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

// Participant is one person of a virtual session's participants report, their lines joined.
type Participant struct {
	Email     string
	Name      string
	Intervals []recert.Interval
}

// participantLayouts are the time formats Zoom and spreadsheets write.
var participantLayouts = []string{
	time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05",
	"01/02/2006 03:04:05 PM", "01/02/2006 15:04:05", "01/02/2006 03:04 PM", "01/02/2006 15:04",
}

// ReadParticipants reads a Zoom participants report as Zoom exports it, or a generic
// email,join,leave CSV. Zoom may put a meeting-summary block first, so the header is the
// first record naming an email, a join and a leave column. Times without a zone are read in
// loc, the event's time zone. Each person's lines are joined by email; their intervals are
// left unmerged for recert.PresentSeconds to count once.
func ReadParticipants(raw []byte, loc *time.Location) ([]Participant, []string, error) {
	raw, warnings, err := decode(raw)
	if err != nil {
		return nil, nil, err
	}
	cr := newCSVReader(bytes.NewReader(raw))
	email, name, join, leave, err := participantHeader(cr)
	if err != nil {
		return nil, nil, err
	}
	byEmail := map[string]*Participant{}
	for {
		rec, line, err := next(cr)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, readError(err)
		}
		p, iv, err := participantRow(rec, line, email, name, join, leave, loc)
		if err != nil {
			return nil, nil, err
		}
		if byEmail[p.Email] == nil {
			byEmail[p.Email] = &p
		}
		byEmail[p.Email].Intervals = append(byEmail[p.Email].Intervals, iv)
	}
	out := make([]Participant, 0, len(byEmail))
	for _, p := range byEmail {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out, warnings, nil
}

// participantHeader skips records until one names the columns a report needs.
func participantHeader(cr interface {
	Read() ([]string, error)
	FieldPos(int) (int, int)
}) (email, name, join, leave int, err error) {
	for {
		rec, e := cr.Read()
		if e == io.EOF {
			return 0, 0, 0, 0, recert.Errorf(recert.EBADREQUEST, "the participants report has no header naming email, join and leave columns")
		}
		if e != nil {
			return 0, 0, 0, 0, readError(e)
		}
		email, name, join, leave = -1, -1, -1, -1
		for i, h := range rec {
			switch k := strings.ToLower(strings.TrimSpace(h)); {
			case k == "email" || k == "user email" || k == "e-mail":
				email = i
			case k == "name" || strings.HasPrefix(k, "name (original name)") || k == "user name":
				name = i
			case k == "join" || k == "join time":
				join = i
			case k == "leave" || k == "leave time":
				leave = i
			}
		}
		if email >= 0 && join >= 0 && leave >= 0 {
			return email, name, join, leave, nil
		}
	}
}

func participantRow(rec []string, line, email, name, join, leave int, loc *time.Location) (Participant, recert.Interval, error) {
	p := Participant{Email: strings.ToLower(at(rec, email))}
	if name >= 0 {
		p.Name = at(rec, name)
	}
	start, err1 := participantTime(at(rec, join), loc)
	end, err2 := participantTime(at(rec, leave), loc)
	if p.Email == "" || err1 != nil || err2 != nil || end.Before(start) {
		return p, recert.Interval{}, recert.Errorf(recert.EINVALID, "participants report line %d: want an email and join and leave times, leave not before join", line)
	}
	return p, recert.Interval{Start: start, End: end}, nil
}

func participantTime(s string, loc *time.Location) (time.Time, error) {
	var err error
	for _, layout := range participantLayouts {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
