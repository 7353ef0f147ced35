package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/importer"
)

// importHistory replays a JSON Lines file of historical dossiers and
// opening investment projects through the engine, all or nothing
// (docs/IMPORT.md), and prints the summary; with --dry-run it writes
// nothing. Every fault is printed with its line and field, and then the
// command fails.
func importHistory(cfg config.Config, args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(out)
	dryRun := fs.Bool("dry-run", false, "check and replay the whole file, then write nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("import: cần đúng một tệp (hoặc - cho đầu vào chuẩn) / needs exactly one FILE (or - for standard input)")
	}
	in, name, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		return err
	}
	defer in.Close()
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	sum, err := importer.Run(context.Background(), db, eng, in, importer.Options{DryRun: *dryRun})
	fmt.Fprintf(out, "Nhập dữ liệu lịch sử / historical import: %s\n", name)
	if sum != nil {
		sum.Write(out)
	}
	var faults importer.Errors
	if errors.As(err, &faults) {
		for _, f := range faults {
			fmt.Fprintln(out, f.Error())
		}
		return fmt.Errorf("import: %d lỗi, không ghi gì / %d error(s), nothing written", len(faults), len(faults))
	}
	return err
}

// openInput opens the file to import; "-" is standard input.
func openInput(path string, stdin io.Reader) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(stdin), "đầu vào chuẩn / standard input", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("import: %w", err)
	}
	return f, path, nil
}
