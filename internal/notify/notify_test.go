package notify_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/recert-dev/recert/internal/dbtest"
	"github.com/recert-dev/recert/internal/jobs"
	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/notify"
	"github.com/recert-dev/recert/internal/notify/mailtest"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(20 * time.Millisecond) }

// stalling sends, then hangs as a process killed before it could record the job done.
type stalling struct{ next notify.Mailer }

func (s stalling) Send(ctx context.Context, m notify.Message) error {
	if err := s.next.Send(ctx, m); err != nil {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}

func runner(t *testing.T, st *store.Store, m notify.Mailer) *jobs.Runner {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, notify.NewWorker(st, m, "https://recert.example.org"))
	r, err := jobs.New(st, jobs.Config{Workers: workers, PollInterval: 20 * time.Millisecond, RetryPolicy: fastRetry{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return r
}

func reviewed(t *testing.T, st *store.Store) ledger.Notice {
	t.Helper()
	ctx := context.Background()
	org, err := st.CreateOrganization(ctx, recert.Organization{Name: "Society", Code: "SOC"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	m, err := st.CreateMember(ctx, recert.Member{Name: "Kim Reader", Email: "kim@example.org"}, org.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateActivity(ctx, recert.Activity{MemberID: m.ID, Type: "publication", Date: recert.Date{Year: 2026, Month: 2, Day: 1},
		CEUs: 500, Category: "I", Title: "Review article", DocumentationStatus: "none"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, err = st.UpdateActivity(ctx, a.ID, recert.ReviewVerified, "", "test", func(a *recert.Activity) error {
		a.ReviewStatus = recert.ReviewVerified
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ledger.Notice{Type: ledger.NoticeActivityReviewed, MemberID: m.ID, ActivityID: a.ID}
}

// A process stopped in the middle of sending loses nothing: the job is worked again after
// the restart, and the repeat carries the same Message-ID, so the recipient can drop it.
func TestRestartMidDeliveryRepeatsWithTheSameID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		smtp := mailtest.Start(t)
		sender, err := notify.NewSMTP(smtp.URL, "ce@example.org")
		if err != nil {
			t.Fatal(err)
		}
		n := reviewed(t, st)
		first := runner(t, st, stalling{next: sender})
		if err := notify.NewQueue(first).Notify(t.Context(), n); err != nil {
			t.Fatal(err)
		}
		smtp.Wait(1)
		stop, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = first.Stop(stop) // the send never finishes: the job is cancelled mid-delivery

		second := runner(t, st, sender)
		defer func() { _ = second.Stop(context.Background()) }()
		got := smtp.Wait(2)
		if got[0].MessageID != got[1].MessageID || got[0].Subject != `Your activity "Review article" was verified` {
			t.Errorf("repeat: %q %q, subject %q", got[0].MessageID, got[1].MessageID, got[0].Subject)
		}
	})
}

// Without a mail server, each message is an .eml file named by its Message-ID, and a repeat
// replaces the first.
func TestOutboxWritesEachMessageOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o, err := notify.NewOutbox(dir, "Recert <recert@localhost>", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Message{ID: "activity.reviewed.7.0@recert.example.org", To: []string{"kim@example.org"}, Subject: "Reviewed", Text: "plain", HTML: "<p>html</p>"}
	for range 2 {
		if err := o.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	got, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageID != m.ID || got.Subject != m.Subject || got.Text != m.Text || got.HTML != m.HTML {
		t.Errorf("outbox message %+v", got)
	}
}
