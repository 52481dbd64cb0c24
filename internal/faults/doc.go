// Package faults holds the tests of how the running service behaves when things go wrong
// around it: PostgreSQL restarted or a backend killed mid-write, the connection pool
// exhausted, a database that accepts connections and never answers, SIGTERM under load,
// many writers on the embedded SQLite. It has no code of its own; the tests run the real service (app.Run, or this test binary re-executed as the
// service) against real databases.
//
// The PostgreSQL tests need a private cluster they may restart, never a shared server:
// RECERT_FAULT_PG_URL is a superuser URL on it and RECERT_FAULT_PG_CTL a command that runs
// pg_ctl on it with the arguments it is given (.ci/run starts one and sets both). Without
// them the tests skip, or fail when CI=true.
package faults
