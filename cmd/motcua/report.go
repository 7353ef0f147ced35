package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/reports"
	"github.com/motcua/motcua/workflow"
)

// reportFlags are the flags of the report subcommand.
type reportFlags struct {
	board  string // board code; "" for every board
	period reports.Period
	format reports.Format
	out    string // file to write; "" for standard output
}

// report writes Biểu số 06/VPCP/KSTT for a board (or every board) and a
// period as JSON, CSV or XLSX, to standard output or --out.
func report(cfg config.Config, args []string, out io.Writer) error {
	f, err := parseReportFlags(args, out)
	if err != nil {
		return err
	}
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	e, err := buildExport(context.Background(), db, eng, f)
	if err != nil {
		return err
	}
	if f.out == "" {
		return e.Write(out, f.format)
	}
	if err := writeFile(f.out, e, f.format); err != nil {
		return err
	}
	fmt.Fprintf(out, "đã ghi / wrote %s (%s)\n", f.out, e.Report.Period.Label.VI)
	return nil
}

// buildExport computes the report and, for JSON, the Decision 766 indicators.
func buildExport(ctx context.Context, db *gorm.DB, eng *workflow.Engine, f reportFlags) (reports.Export, error) {
	var e reports.Export
	q := reports.Query{Period: f.period, Now: time.Now()}
	if f.board != "" {
		b, err := models.GetBoardByCode(ctx, db, f.board)
		if errors.Is(err, models.ErrNotFound) {
			return e, fmt.Errorf("report --board: không có Ban quản lý mã %q / no board has code %q", f.board, f.board)
		}
		if err != nil {
			return e, err
		}
		e.Board, q.BoardID = b, &b.ID
	}
	rep, err := reports.Bieu06(ctx, db, eng.Catalogue(), q)
	if err != nil {
		return e, err
	}
	e.Report = rep
	if f.format == reports.FormatJSON {
		e.Indicators, err = reports.Decision766(ctx, db, eng.Catalogue(), eng.Calendar(), q)
	}
	return e, err
}

// writeFile writes the export to path through a temporary file beside it,
// so that a failure leaves no half-written report.
func writeFile(path string, e reports.Export, format reports.Format) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".motcua-report-*")
	if err != nil {
		return fmt.Errorf("report --out: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := e.Write(tmp, format); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report --out: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("report --out: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report --out: %w", err)
	}
	return nil
}

// parseReportFlags parses the report subcommand's flags. --period is
// required; --format defaults to the extension of --out, else json.
func parseReportFlags(args []string, out io.Writer) (reportFlags, error) {
	var f reportFlags
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&f.board, "board", "", "the board's code, e.g. HBI (default: every board)")
	period := fs.String("period", "", "the period: 2024, 2024-H1, 2024-Q3, 2024-11, FROM..TO (YYYY-MM-DD or dd/mm/yyyy)")
	format := fs.String("format", "", "json, csv or xlsx (default: the extension of --out, else json)")
	fs.StringVar(&f.out, "out", "", "the file to write (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("report: unexpected argument %q", fs.Arg(0))
	}
	f.board = strings.ToUpper(strings.TrimSpace(f.board))
	if *period == "" {
		return f, errors.New("report --period: bắt buộc, vd. 2024-H1 / required, e.g. 2024-H1")
	}
	p, err := reports.ParsePeriod(*period)
	if err != nil {
		return f, fmt.Errorf("report --period: %w", err)
	}
	f.period = p
	f.format, err = reportFormat(*format, f.out)
	return f, err
}

// reportFormat is --format, else the extension of --out, else json.
func reportFormat(flagValue, out string) (reports.Format, error) {
	if flagValue == "" {
		flagValue = strings.TrimPrefix(filepath.Ext(out), ".")
	}
	if flagValue == "" {
		return reports.FormatJSON, nil
	}
	f, err := reports.ParseFormat(flagValue)
	if err != nil {
		return "", fmt.Errorf("report --format: %w", err)
	}
	return f, nil
}
