package deadlines

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// holidayFile is the YAML form of configs/holidays/<year>.yaml.
type holidayFile struct {
	Year             *int        `yaml:"year"`
	Announced        *bool       `yaml:"announced"`
	Source           string      `yaml:"source"`
	DaysOff          []fileEntry `yaml:"days_off"`
	WorkingSaturdays []fileEntry `yaml:"working_saturdays"`
}

// fileEntry is one entry of days_off or working_saturdays.
type fileEntry struct {
	Date  yamlDate `yaml:"date"`
	Kind  string   `yaml:"kind"`
	Name  string   `yaml:"name"`
	Basis string   `yaml:"basis"`
}

// yamlDate keeps a date scalar as written, with its line, for validation
// with a precise error.
type yamlDate struct {
	raw  string
	line int
}

// UnmarshalYAML records the scalar; it is parsed during validation.
func (d *yamlDate) UnmarshalYAML(n *yaml.Node) error {
	d.raw, d.line = n.Value, n.Line
	if n.Kind != yaml.ScalarNode {
		d.raw = "<" + n.ShortTag() + ">"
	}
	return nil
}

// LoadCalendar reads every *.yaml file in the root of fsys (the holidays
// directory, e.g. configs.FS sub-directory "holidays" or
// os.DirFS(MOTCUA_CONFIG_DIR+"/holidays")) and returns the calendar. Each
// file holds one year; years without a file are derived from the law
// (DeriveSchedule). It rejects unknown keys, dates outside the file's year,
// weekend days other than weekend_in_break, working Saturdays that are not
// Saturdays, and duplicates, naming the file and the field. A nil fsys gives
// a calendar of derived years only.
func LoadCalendar(fsys fs.FS) (*Calendar, error) {
	files := make(map[int]*yearData)
	if fsys == nil {
		return newCalendar(files), nil
	}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("deadlines: đọc thư mục ngày nghỉ / reading the holidays directory: %w", err)
	}
	seen := make(map[int]string)
	for _, name := range names {
		s, err := loadYearFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[s.Year]; dup {
			return nil, fileError(name, "year", 0, fmt.Sprintf("năm %d đã có trong %s", s.Year, prev),
				fmt.Sprintf("year %d is already defined in %s", s.Year, prev))
		}
		seen[s.Year] = name
		files[s.Year] = newYearData(s)
	}
	return newCalendar(files), nil
}

// fileError formats a validation error naming the file, field and line.
func fileError(file, field string, line int, vi, en string) error {
	where := file
	if field != "" {
		where += ": " + field
	}
	if line > 0 {
		where += fmt.Sprintf(" (dòng %d / line %d)", line, line)
	}
	return fmt.Errorf("deadlines: %s: %s / %s", where, vi, en)
}

// loadYearFile reads, decodes and validates one holiday file.
func loadYearFile(fsys fs.FS, name string) (YearSchedule, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return YearSchedule{}, fmt.Errorf("deadlines: %s: không đọc được tệp / cannot read the file: %w", name, err)
	}
	var hf holidayFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&hf); err != nil {
		if errors.Is(err, io.EOF) {
			return YearSchedule{}, fileError(name, "", 0, "tệp rỗng", "empty file")
		}
		return YearSchedule{}, fileError(name, "", 0, "YAML không hợp lệ", "invalid YAML: "+strings.ReplaceAll(err.Error(), "\n", " "))
	}
	return hf.validate(name)
}

// validate checks the header and every entry and returns the schedule.
func (hf *holidayFile) validate(name string) (YearSchedule, error) {
	if err := hf.validateHeader(name); err != nil {
		return YearSchedule{}, err
	}
	s := YearSchedule{Year: *hf.Year, Announced: *hf.Announced, Source: strings.TrimSpace(hf.Source)}
	seen := make(map[int]string)
	for i, e := range hf.DaysOff {
		d, err := e.validateDayOff(name, fmt.Sprintf("days_off[%d]", i), s.Year, seen)
		if err != nil {
			return YearSchedule{}, err
		}
		s.DaysOff = append(s.DaysOff, d)
	}
	for i, e := range hf.WorkingSaturdays {
		d, err := e.validateSaturday(name, fmt.Sprintf("working_saturdays[%d]", i), s.Year, seen)
		if err != nil {
			return YearSchedule{}, err
		}
		s.WorkingSaturdays = append(s.WorkingSaturdays, d)
	}
	sortDays(s.DaysOff)
	sortDays(s.WorkingSaturdays)
	return s, nil
}

// validateHeader checks year, announced and source.
func (hf *holidayFile) validateHeader(name string) error {
	switch {
	case hf.Year == nil:
		return fileError(name, "year", 0, "thiếu năm", "year is missing")
	case *hf.Year < lunarMinYear || *hf.Year > lunarMaxYear:
		return fileError(name, "year", 0, fmt.Sprintf("năm %d ngoài phạm vi %d-%d", *hf.Year, lunarMinYear, lunarMaxYear),
			fmt.Sprintf("year %d outside %d-%d", *hf.Year, lunarMinYear, lunarMaxYear))
	case hf.Announced == nil:
		return fileError(name, "announced", 0, "thiếu announced (true/false)", "announced (true/false) is missing")
	case strings.TrimSpace(hf.Source) == "":
		return fileError(name, "source", 0, "thiếu nguồn (văn bản công bố)", "source (the announcement) is missing")
	}
	stem := strings.TrimSuffix(path.Base(name), ".yaml")
	if y, err := strconv.Atoi(stem); err == nil && y != *hf.Year {
		return fileError(name, "year", 0, fmt.Sprintf("năm %d khác tên tệp", *hf.Year),
			fmt.Sprintf("year %d does not match the file name", *hf.Year))
	}
	return nil
}

// validKinds are the kinds allowed in days_off.
var validKinds = map[string]bool{KindHoliday: true, KindCompensation: true, KindSwap: true, KindWeekendInBreak: true}

// validateDayOff checks one days_off entry.
func (e fileEntry) validateDayOff(name, field string, year int, seen map[int]string) (DayOff, error) {
	d, err := e.validateCommon(name, field, year, seen)
	if err != nil {
		return DayOff{}, err
	}
	if !validKinds[e.Kind] {
		return DayOff{}, fileError(name, field+".kind", e.Date.line,
			fmt.Sprintf("loại %q không hợp lệ (holiday, compensation, swap, weekend_in_break)", e.Kind),
			fmt.Sprintf("invalid kind %q (holiday, compensation, swap, weekend_in_break)", e.Kind))
	}
	if weekend := isWeekend(d.Date); weekend != (e.Kind == KindWeekendInBreak) {
		return DayOff{}, fileError(name, field+".kind", e.Date.line,
			fmt.Sprintf("ngày %s: chỉ thứ Bảy, Chủ nhật mới có loại weekend_in_break và ngược lại", formatDate(d.Date)),
			fmt.Sprintf("date %s: weekend_in_break is for Saturdays and Sundays only, and they may have no other kind", formatDate(d.Date)))
	}
	d.Kind = e.Kind
	return d, nil
}

// validateSaturday checks one working_saturdays entry.
func (e fileEntry) validateSaturday(name, field string, year int, seen map[int]string) (DayOff, error) {
	d, err := e.validateCommon(name, field, year, seen)
	if err != nil {
		return DayOff{}, err
	}
	if e.Kind != "" && e.Kind != KindWorkingSaturday {
		return DayOff{}, fileError(name, field+".kind", e.Date.line,
			fmt.Sprintf("loại %q không hợp lệ cho ngày làm bù", e.Kind), fmt.Sprintf("invalid kind %q for a working Saturday", e.Kind))
	}
	if d.Date.Weekday() != time.Saturday {
		return DayOff{}, fileError(name, field+".date", e.Date.line,
			fmt.Sprintf("ngày %s không phải thứ Bảy", formatDate(d.Date)), fmt.Sprintf("date %s is not a Saturday", formatDate(d.Date)))
	}
	d.Kind = KindWorkingSaturday
	return d, nil
}

// validateCommon parses the date and checks year, duplicates, name and
// basis.
func (e fileEntry) validateCommon(name, field string, year int, seen map[int]string) (DayOff, error) {
	line := e.Date.line
	if e.Date.raw == "" {
		return DayOff{}, fileError(name, field+".date", line, "thiếu ngày", "date is missing")
	}
	t, err := time.ParseInLocation("2006-01-02", e.Date.raw, Location)
	if err != nil {
		return DayOff{}, fileError(name, field+".date", line,
			fmt.Sprintf("ngày %q không hợp lệ, cần dạng YYYY-MM-DD", e.Date.raw),
			fmt.Sprintf("invalid date %q, want YYYY-MM-DD", e.Date.raw))
	}
	if t.Year() != year {
		return DayOff{}, fileError(name, field+".date", line,
			fmt.Sprintf("ngày %s không thuộc năm %d", formatDate(t), year), fmt.Sprintf("date %s is not in year %d", formatDate(t), year))
	}
	if prev, dup := seen[dateKey(t)]; dup {
		return DayOff{}, fileError(name, field+".date", line,
			fmt.Sprintf("ngày %s trùng với %s", formatDate(t), prev), fmt.Sprintf("date %s duplicates %s", formatDate(t), prev))
	}
	seen[dateKey(t)] = field
	if strings.TrimSpace(e.Name) == "" {
		return DayOff{}, fileError(name, field+".name", line, "thiếu tên", "name is missing")
	}
	if strings.TrimSpace(e.Basis) == "" {
		return DayOff{}, fileError(name, field+".basis", line, "thiếu căn cứ", "basis is missing")
	}
	return DayOff{Date: t, Name: strings.TrimSpace(e.Name), Basis: strings.TrimSpace(e.Basis)}, nil
}

// sortDays sorts entries by date.
func sortDays(d []DayOff) {
	sort.Slice(d, func(i, j int) bool { return d[i].Date.Before(d[j].Date) })
}
