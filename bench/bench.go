// Package bench is motcua's benchmark harness: a tool, not production
// code. It measures, on PostgreSQL and in fresh schemas it drops
// afterwards:
//   - engine: transitions per second through the workflow engine, against
//     pgbench's TPC-B-like figure on the same server;
//   - http: submit, upload and receive over the JSON API, requests per
//     second and p50/p99 per kind of request;
//   - sweep: the deadline sweep over 100,000 and 1,000,000 open dossiers;
//   - report: Biểu 06 and the Decision 766 indicators for a year over
//     1,000,000 bulk-loaded dossiers, every cell checked against the load
//     plan, and the manager dashboard page over the same load;
//   - import: `motcua import` of generated dossiers.
//
// `motcua bench …` (cmd/motcua) parses nothing but the subcommand's name
// and passes its configuration down in Env: this package reads no
// environment variable. Results and commands are in docs/PERFORMANCE.md.
package bench

import (
	"io/fs"

	"github.com/motcua/motcua/workflow"
)

// Env is what `motcua bench` passes down from its configuration.
type Env struct {
	// DB is the default of every benchmark's -db flag: a PostgreSQL URL.
	DB string
	// Engine is the loaded catalogue and calendar.
	Engine *workflow.Engine
	// Configs is the configuration directory the demo boards are read from.
	Configs fs.FS
}

// Usage lists the benchmarks and their main flags.
const Usage = "usage: motcua bench engine [-workers 16] [-duration 20s] [-pgbench=true]\n" +
	"       motcua bench http [-clients 32] [-duration 20s] [-procedure P -variant V]\n" +
	"       motcua bench sweep [-open 100000,1000000] [-due 10000] [-runs 5]\n" +
	"       motcua bench report [-dossiers 1000000] [-boards 4] [-runs 5] [-seal]\n" +
	"       motcua bench dashboard [-dossiers 1000000] [-boards 4] [-renders 20] [-seal]\n" +
	"       motcua bench import [-dossiers 20000]"
