package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/importer"
	"github.com/motcua/motcua/models"
	"github.com/motcua/motcua/workflow"
)

// importBenchConfig are the flags of `motcua bench import`.
type importBenchConfig struct {
	url      string
	dossiers int
}

// importBenchStart is the first day generated dossiers are filed on:
// Thu 02/01/2025. Each working day from then on gets importBenchPerDay.
var importBenchStart = time.Date(2025, 1, 2, 0, 0, 0, 0, deadlines.Location)

// importBenchPerDay is how many generated dossiers are filed each working day.
const importBenchPerDay = 100

// importBenchZones are the zones of the benchmark board.
var importBenchZones = []string{"Lương Sơn", "Mông Hóa", "Yên Quang", "Thanh Hà"}

// importPath is one way a generated dossier goes after submission, and
// how many dossiers in 20 go that way.
type importPath struct {
	events []workflow.Event
	weight int
}

// importPaths: most approved, some after a supplement, a few refused,
// withdrawn or still open.
var importPaths = []importPath{
	{[]workflow.Event{evReceive, evAssign, evPropose, evApprove, evReturn}, 12},
	{[]workflow.Event{evReceive, evAssign, evRequest, evResubmit, evPropose, evApprove, evReturn}, 3},
	{[]workflow.Event{evReceive, evAssign, evPropose, evRefuse, evReturn}, 2},
	{[]workflow.Event{evReceive, evAssign, evWithdraw}, 1},
	{[]workflow.Event{evReceive, evAssign}, 2},
}

// importBenchFile is a generated import file and what importing it must write.
type importBenchFile struct {
	data                       []byte
	dossiers, events, projects int
}

// Import runs `motcua bench import`: it generates -dossiers dossiers as
// JSON Lines in memory and times `motcua import` of them into a fresh
// PostgreSQL schema.
func Import(args []string, env Env, out io.Writer) error {
	cfg, err := parseImportBench(args, env.DB, out)
	if err != nil {
		return err
	}
	if err := ensureBenchDatabase(cfg.url); err != nil {
		return err
	}
	schema := fmt.Sprintf("bench_import_%d", time.Now().UnixNano())
	db, cleanup, err := benchSchema(cfg.url, schema, 2)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(out, "schema %s\n", schema)
	return runImportBench(context.Background(), db, env.Engine, cfg.dossiers, out)
}

// parseImportBench parses the flags of `motcua bench import` and refuses
// anything but PostgreSQL; db is the default of -db.
func parseImportBench(args []string, db string, out io.Writer) (importBenchConfig, error) {
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := importBenchConfig{}
	benchDBFlag(fs, &cfg.url, db, "a fresh schema is created and dropped")
	fs.IntVar(&cfg.dossiers, "dossiers", 20000, "dossiers to generate and import")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if err := needPostgres("bench import", cfg.url, "the figure is a PostgreSQL one"); err != nil {
		return cfg, err
	}
	if cfg.dossiers < 1 || cfg.dossiers > 1000000 {
		return cfg, errors.New("bench import: -dossiers must be 1 to 1000000")
	}
	return cfg, nil
}

// runImportBench creates the board, generates n dossiers, imports them,
// checks that the import wrote what the file holds and prints the rates.
func runImportBench(ctx context.Context, db *gorm.DB, eng *workflow.Engine, n int, out io.Writer) error {
	board := models.Board{Code: "HBI", NameVI: "Ban đo hiệu năng nhập dữ liệu", AgencyCode: "000.20.30.H33"}
	if err := db.WithContext(ctx).Create(&board).Error; err != nil {
		return err
	}
	for _, z := range importBenchZones {
		if err := db.WithContext(ctx).Create(&models.Zone{BoardID: board.ID, Name: z}).Error; err != nil {
			return err
		}
	}
	start := time.Now()
	f, err := generateImport(eng, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated %d dossiers, %d events, %d opening projects: %d bytes in %s\n",
		f.dossiers, f.events, f.projects, len(f.data), time.Since(start).Round(time.Millisecond))
	start = time.Now()
	sum, err := importer.Run(ctx, db, eng, bytes.NewReader(f.data), importer.Options{})
	elapsed := time.Since(start)
	if err != nil {
		return fmt.Errorf("bench import: %w", err)
	}
	if err := checkImportBench(ctx, db, f, sum); err != nil {
		return err
	}
	fmt.Fprintf(out, "import: %d dossiers, %d events in %s: %.0f dossiers/s, %.0f events/s\n", sum.Dossiers, sum.Events,
		elapsed.Round(time.Millisecond), float64(sum.Dossiers)/elapsed.Seconds(), float64(sum.Events)/elapsed.Seconds())
	return nil
}

// checkImportBench: the summary and the tables hold what the file does.
func checkImportBench(ctx context.Context, db *gorm.DB, f *importBenchFile, sum *importer.Summary) error {
	if !sum.Committed || sum.Dossiers != f.dossiers || sum.Events != f.events || sum.Projects != f.projects {
		return fmt.Errorf("bench import: summary %+v, want %d dossiers, %d events, %d projects", sum, f.dossiers, f.events, f.projects)
	}
	var dossiers, events int64
	if err := db.WithContext(ctx).Model(&models.Dossier{}).Count(&dossiers).Error; err != nil {
		return err
	}
	if err := db.WithContext(ctx).Model(&models.DossierEvent{}).Count(&events).Error; err != nil {
		return err
	}
	if dossiers != int64(f.dossiers) || events != int64(f.events) {
		return fmt.Errorf("bench import: %d dossiers and %d events written, want %d and %d", dossiers, events, f.dossiers, f.events)
	}
	return nil
}

// generateImport writes n dossiers as JSON Lines: procedures in turn,
// paths by weight, importBenchPerDay a working day from importBenchStart,
// and before them the opening projects their adjustments and
// terminations name.
func generateImport(eng *workflow.Engine, n int) (*importBenchFile, error) {
	g := &importGen{eng: eng, day: importBenchStart, f: &importBenchFile{}}
	var projects, dossiers bytes.Buffer
	for i := 0; i < n; i++ {
		if i > 0 && i%importBenchPerDay == 0 {
			g.day = eng.Calendar().NextWorkingDay(g.day)
		}
		line, opening, err := g.dossier(i)
		if err != nil {
			return nil, err
		}
		if opening != nil {
			writeJSONLine(&projects, opening)
			g.f.projects++
		}
		writeJSONLine(&dossiers, line)
	}
	g.f.data = append(projects.Bytes(), dossiers.Bytes()...)
	return g.f, nil
}

// writeJSONLine appends v as one line (maps of strings and bools always marshal).
func writeJSONLine(b *bytes.Buffer, v any) {
	data, _ := json.Marshal(v)
	b.Write(data)
	b.WriteByte('\n')
}

// importGen is the generator's state: the filing day, and the file so far.
type importGen struct {
	eng *workflow.Engine
	day time.Time
	f   *importBenchFile
}

// dossier generates dossier i, and the opening project it needs if any.
func (g *importGen) dossier(i int) (map[string]any, map[string]any, error) {
	cat := g.eng.Catalogue()
	p := cat.Procedures[cat.Order[i%len(cat.Order)]]
	v, err := p.VersionAt(g.day)
	if err != nil {
		return nil, nil, err
	}
	variant := v.Variants[(i/len(cat.Order))%len(v.Variants)]
	path := pickPath(i / len(cat.Order))
	line := map[string]any{"board": "HBI", "procedure": p.Code, "variant": variant.Code,
		"applicant": map[string]any{"name": fmt.Sprintf("Công ty TNHH Đo Hiệu Năng %05d", i), "tax_code": fmt.Sprintf("54%08d", i)},
		"title":     "Hồ sơ đo hiệu năng / benchmark dossier", "zone": importBenchZones[i%len(importBenchZones)]}
	line["channel"], line["events"] = g.events(i, v, path)
	var opening map[string]any
	if variant.Investment != "" && path.approves() {
		line["investment"], opening = benchInvestment(i, variant.Investment)
	}
	g.f.dossiers++
	g.f.events += len(path.events) + 1
	return line, opening, nil
}

// pickPath chooses the path of the k-th dossier of a procedure by weight.
func pickPath(k int) importPath {
	slot := k % 20
	for _, p := range importPaths {
		if slot < p.weight {
			return p
		}
		slot -= p.weight
	}
	return importPaths[0]
}

// approves reports whether the path has an approve event.
func (p importPath) approves() bool {
	for _, ev := range p.events {
		if ev == evApprove {
			return true
		}
	}
	return false
}

// events lays out dossier i's history: filed on the generator's day (a
// third online by the investor, the rest at the desk), received ten
// minutes later, then one event a working day at the same time.
func (g *importGen) events(i int, v *workflow.Version, path importPath) (string, []map[string]any) {
	at := g.day.Add(8*time.Hour + time.Duration(i%importBenchPerDay)*4*time.Minute)
	channel, role := "direct", workflow.RoleOfficer
	if i%3 == 0 {
		channel, role = "online", workflow.RoleInvestor
	}
	evs := []map[string]any{{"event": "submit", "at": at.Format(time.RFC3339), "role": string(role)}}
	cal := g.eng.Calendar()
	for k, ev := range path.events {
		def, _ := v.Event(ev)
		if k == 0 {
			at = at.Add(10 * time.Minute)
		} else {
			next := cal.NextWorkingDay(at)
			at = next.Add(at.Sub(deadlines.DateOf(at)))
		}
		evs = append(evs, map[string]any{"event": string(ev), "at": at.Format("2006-01-02 15:04"),
			"role": string(templateRole(def)), "comment": "Đo hiệu năng / benchmark"})
	}
	return channel, evs
}

// benchInvestment is the investment input of dossier i's approval, and
// for an adjustment or a termination the opening project it names.
func benchInvestment(i int, kind models.InvestmentKind) (map[string]any, map[string]any) {
	zone := importBenchZones[i%len(importBenchZones)]
	foreign := i%2 == 0
	capital, currency := "25000000000", "VND"
	if foreign {
		capital, currency = "1500000", "USD"
	}
	if kind == models.InvestmentIssue {
		return map[string]any{"project_code": fmt.Sprintf("DA-%07d", i), "name": fmt.Sprintf("Dự án đo hiệu năng %07d", i),
			"zone": zone, "foreign": foreign, "capital": capital, "currency": currency}, nil
	}
	code := fmt.Sprintf("OP-%07d", i)
	opening := map[string]any{"project": map[string]any{"board": "HBI", "project_code": code,
		"name": fmt.Sprintf("Dự án đầu kỳ %07d", i), "zone": zone, "foreign": foreign, "capital": capital,
		"currency": currency, "issued_at": "2019-06-03"}}
	inv := map[string]any{"project_code": code}
	if kind == models.InvestmentAdjust {
		inv["capital"], inv["currency"] = capital+"0", currency
	}
	return inv, opening
}
