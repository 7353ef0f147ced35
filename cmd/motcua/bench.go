package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/motcua/motcua/bench"
	"github.com/motcua/motcua/config"
)

// benchmarks are the subcommands of `motcua bench`, in package bench.
var benchmarks = map[string]func(args []string, env bench.Env, out io.Writer) error{
	"engine":    bench.Engine,
	"http":      bench.HTTP,
	"sweep":     bench.Sweep,
	"report":    bench.Report,
	"import":    bench.Import,
	"dashboard": bench.Dashboard,
}

// benchCommand runs `motcua bench NAME [flags]`: it loads the engine and
// passes it down with the benchmarks' default database; the benchmark
// parses its own flags.
func benchCommand(cfg config.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(bench.Usage)
	}
	run, ok := benchmarks[args[0]]
	if !ok {
		return fmt.Errorf("unknown benchmark %q\n%s", args[0], bench.Usage)
	}
	eng, err := loadEngine(cfg)
	if err != nil {
		return err
	}
	return run(args[1:], bench.Env{DB: benchDB(), Engine: eng, Configs: configFS(cfg)}, out)
}

// benchDB is the benchmarks' default PostgreSQL server: DATABASE_URL,
// else MOTCUA_TEST_DATABASE_URL, else the local test database.
func benchDB() string {
	return env("DATABASE_URL", env("MOTCUA_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/motcua_test?sslmode=disable"))
}
