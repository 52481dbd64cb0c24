package roster

import (
	"bytes"
	"encoding/csv"

	"github.com/recert-dev/recert/internal/recert"
)

// Template is a grid roster's header for the event, one column per session code, and one
// example row, as CSV with CRLF line ends.
func Template(ev recert.Event) []byte {
	header := []string{"abcp_id", "email", "first_name", "last_name"}
	example := []string{"012345", "jane.doe@example.org", "Jane", "Doe"}
	for i, ses := range ev.Sessions {
		header = append(header, ses.Code)
		mark := ""
		if i%2 == 0 {
			mark = "x"
		}
		example = append(example, mark)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(header) // a bytes.Buffer does not fail
	_ = w.Write(example)
	w.Flush()
	return b.Bytes()
}
