package web

import (
	"testing"

	"github.com/recert-dev/recert/internal/ledger"
	"github.com/recert-dev/recert/internal/recert"
)

// TestEveryChoiceHasWords: the pages never show a raw format or scope name alone.
func TestEveryChoiceHasWords(t *testing.T) {
	for _, f := range ledger.EventFormats {
		if _, ok := formatWords[f]; !ok {
			t.Errorf("format %s has no words", f)
		}
	}
	for _, s := range recert.ClientScopes {
		if _, ok := scopeWords[s]; !ok {
			t.Errorf("scope %s has no words", s)
		}
	}
}
