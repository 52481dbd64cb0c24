package recert_test

import (
	"slices"
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/recert"
)

func TestWebhookRotate(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	w := recert.Webhook{Secret: "whsec_one"}
	if got := w.SigningSecrets(t0); !slices.Equal(got, []string{"whsec_one"}) {
		t.Fatalf("before any rotation: %v", got)
	}
	w.Rotate("whsec_two", t0)
	w2 := w
	w2.Rotate("whsec_three", t0.Add(time.Hour))
	for _, c := range []struct {
		name string
		w    recert.Webhook
		at   time.Time
		want []string
	}{
		{"just rotated", w, t0, []string{"whsec_two", "whsec_one"}},
		{"a second before the day is out", w, t0.Add(recert.SecretOverlap - time.Second), []string{"whsec_two", "whsec_one"}},
		{"a day later", w, t0.Add(recert.SecretOverlap), []string{"whsec_two"}},
		{"rotated again within the day: the oldest is dropped", w2, t0.Add(2 * time.Hour), []string{"whsec_three", "whsec_two"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.w.SigningSecrets(c.at); !slices.Equal(got, c.want) {
				t.Errorf("SigningSecrets = %v, want %v", got, c.want)
			}
		})
	}
}
