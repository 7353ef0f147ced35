package workflow

import (
	"encoding/json"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/deadlines"
)

// dateLayout is the YAML form of a Date.
const dateLayout = "2006-01-02"

// ParseDate parses "YYYY-MM-DD" as local midnight in Asia/Ho_Chi_Minh.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation(dateLayout, s, deadlines.Location)
	if err != nil {
		return Date{}, fmt.Errorf("workflow: bad date %q, want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// UnmarshalYAML reads a YYYY-MM-DD scalar. A bad date is reported as a
// yaml.TypeError with its line, so the decoder goes on and the loader turns
// it into a fault naming the field.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if v, err := ParseDate(n.Value); err == nil {
			*d = v
			return nil
		}
	}
	return &yaml.TypeError{Errors: []string{
		fmt.Sprintf("line %d: bad date %q, want YYYY-MM-DD", n.Line, n.Value)}}
}

// MarshalYAML writes the date as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.YMD(), nil }

// YMD formats the date as YYYY-MM-DD.
func (d Date) YMD() string { return d.In(deadlines.Location).Format(dateLayout) }

// DMY formats the date as dd/mm/yyyy, the Vietnamese form used in messages.
func (d Date) DMY() string { return d.In(deadlines.Location).Format("02/01/2006") }

// MarshalJSON writes the date as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.YMD()) }

// UnmarshalJSON reads a "YYYY-MM-DD" string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("workflow: date must be a \"YYYY-MM-DD\" string: %w", err)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
