// Package ledger holds Recert's use cases: what happens when a roster is posted (where a
// roster row becomes a credit), when a posting is withdrawn, when an attendance is corrected
// or revoked (Attendances), when an event is created, changed or published (Events), when an
// organization, account or app is registered or leave decided (Accounts), and how any
// credit-creating request is made safe to retry (Idempotency).
//
// It decides; it does no I/O of its own. Each use case declares the small repository
// interface it needs (RosterStore, IdempotencyStore, Transactor), which internal/store
// implements; the rules it applies live with the vocabulary in internal/recert. The HTTP API
// (internal/httpapi) and the pages (internal/web) convert requests and check access, then
// call the ledger.
package ledger
