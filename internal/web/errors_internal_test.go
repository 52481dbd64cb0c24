package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/recert-dev/recert/internal/recert"
)

// A form shows what the person can correct, with the error's own words or the table's; the
// rest goes to the error page.
func TestOnForm(t *testing.T) {
	for _, c := range []struct {
		err    error
		onForm bool
		says   string
	}{
		{recert.Errorf(recert.EINVALID, "title: is required"), true, "title: is required"},
		{recert.Errorf(recert.ETOOLARGE, "at most 250 sessions"), true, "at most 250 sessions"},
		{recert.Errorf(recert.EPRECONDITION, "version 3 is not current"), true, pageErrors[recert.EPRECONDITION].message},
		{recert.Errorf(recert.ENOTFOUND, "event evt_x not found"), false, ""},
		{errors.New("connection reset"), false, ""},
	} {
		ctx := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/app/x", nil), httptest.NewRecorder())
		if got := onForm(ctx, c.err); got != c.onForm {
			t.Errorf("%v: onForm %v", c.err, got)
		}
		if says, _ := ctx.Get(errorKey).(string); says != c.says {
			t.Errorf("%v: says %q, want %q", c.err, says, c.says)
		}
	}
}
