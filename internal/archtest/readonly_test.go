package archtest

import (
	"go/types"
	"regexp"
	"testing"

	"golang.org/x/tools/go/packages"
)

// writeVerb is how a method that changes the record is named. A handler or a page changes
// the record only through a use case of internal/ledger, so the store each receives names
// none of these.
var writeVerb = regexp.MustCompile(`^(Create|Update|Delete|Set|Post|Revoke|Withdraw|Insert|Save|Put|Add|Remove|` +
	`Rotate|Disable|Enable|Mark|Record|Claim|Decide|Resolve|Correct|Reinstate|Cancel|Publish|Reset|Issue|Spend|` +
	`Exchange|Rename|Write|Apply|Approve|Reject|Dismiss|Import|Void|Bump|Touch|Begin|InTx|Transaction|Exec)([A-Z]|$)`)

// notRecordWrites are methods that write only bookkeeping of the service itself, never a
// record a person reads: the rate limiter's attempt counter.
var notRecordWrites = map[string]bool{"AllowAttempt": true}

// TestPagesAndAPIReadOnly fails on any method of the store interface that internal/httpapi
// and internal/web receive (Options.Store) named as a write.
func TestPagesAndAPIReadOnly(t *testing.T) {
	cfg := &packages.Config{Mode: packages.NeedTypes | packages.NeedName, Dir: "../.."}
	pkgs, err := packages.Load(cfg, "./internal/httpapi", "./internal/web")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Fatalf("%s: %v", p.PkgPath, p.Errors)
		}
		iface := optionsStore(t, p.Types)
		if iface.NumMethods() == 0 {
			t.Fatalf("%s: Options.Store has no methods: is this test reading the right type?", p.PkgPath)
		}
		for i := range iface.NumMethods() {
			if name := iface.Method(i).Name(); writeVerb.MatchString(name) && !notRecordWrites[name] {
				t.Errorf("%s: Options.Store has %s, a write: change the record through a use case of internal/ledger", p.PkgPath, name)
			}
		}
		t.Logf("%s: Options.Store has %d methods", p.PkgPath, iface.NumMethods())
	}
}

// optionsStore is the interface type of the package's Options.Store field.
func optionsStore(t *testing.T, pkg *types.Package) *types.Interface {
	t.Helper()
	obj := pkg.Scope().Lookup("Options")
	if obj == nil {
		t.Fatalf("%s has no Options", pkg.Path())
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		t.Fatalf("%s.Options is not a struct", pkg.Path())
	}
	for i := range st.NumFields() {
		if f := st.Field(i); f.Name() == "Store" {
			iface, ok := f.Type().Underlying().(*types.Interface)
			if !ok {
				t.Fatalf("%s.Options.Store is not an interface", pkg.Path())
			}
			return iface.Complete()
		}
	}
	t.Fatalf("%s.Options has no Store", pkg.Path())
	return nil
}
