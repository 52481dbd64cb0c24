package webhook_test

import (
	"testing"
	"time"

	"github.com/recert-dev/recert/internal/webhook"
)

func TestBackoffSpansADay(t *testing.T) {
	for _, base := range []time.Duration{5 * time.Second, 20 * time.Millisecond} {
		b := webhook.Backoff(base)
		var sum time.Duration
		for i, d := range b {
			if i > 0 && d < b[i-1] {
				t.Errorf("base %v: delays shrink: %v", base, b)
			}
			sum += d
		}
		day := time.Duration(float64(24*time.Hour) * float64(base) / float64(5*time.Second))
		if sum < day || sum-b[len(b)-1] >= day || b[0] != base {
			t.Errorf("base %v: %v adds up to %v", base, b, sum)
		}
	}
	if got := webhook.Backoff(5 * time.Second); len(got) != 7 || got[len(got)-1] != 12*time.Hour {
		t.Errorf("production schedule %v", got)
	}
}

// The signature is the Standard Webhooks example's.
func TestSignMatchesTheStandard(t *testing.T) {
	got, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil || got != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Errorf("Sign = %q, %v", got, err)
	}
	if _, err := webhook.Sign("not-a-secret", "msg_x", time.Now(), nil); err == nil {
		t.Error("a secret without whsec_ was used")
	}
}

// After a rotation both secrets sign: each signature in the header is the one its secret
// alone gives, current first.
func TestSignWithSeveralSecrets(t *testing.T) {
	at, body := time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`)
	current, previous := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", webhook.NewSecret()
	got, err := webhook.SignWith([]string{current, previous}, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := webhook.Sign(previous, "msg_p5jXN8AQM9LWM0D4loKWxJek", at, body)
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= " + old; got != want {
		t.Errorf("SignWith = %q, want %q", got, want)
	}
	if _, err := webhook.SignWith([]string{current, "not-a-secret"}, "msg_x", at, body); err == nil {
		t.Error("a secret without whsec_ was used")
	}
}

func TestCheckURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://hooks.example.org/recert": true, "http://93.184.215.14/h": true,
		"http://127.0.0.1/h": false, "http://10.0.0.8/h": false, "http://192.168.1.1/h": false, "http://172.16.0.1/h": false,
		"http://169.254.169.254/": false, "http://[::1]/h": false, "http://[fe80::1]/h": false, "http://100.64.0.1/h": false,
		"ftp://example.org/": false, "https://user:pw@example.org/": false, "/relative": false,
	} {
		if err := webhook.CheckURL(url, false); (err == nil) != ok {
			t.Errorf("CheckURL(%s) = %v", url, err)
		}
	}
	if err := webhook.CheckURL("http://127.0.0.1/h", true); err != nil {
		t.Errorf("allowed private: %v", err)
	}
}
