package web

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/deadlines"
	"github.com/motcua/motcua/workflow"
)

// The languages of the pages: Vietnamese by default, English by a switch.
const (
	langVI = "vi"
	langEN = "en"
)

// langCookie keeps the chosen language for a year.
const langCookie = "motcua_lang"

//go:embed locales/*.yaml
var localeFS embed.FS

// catalog is the message catalogue: every label and message of the pages
// in Vietnamese and English (locales/<area>.<lang>.yaml), read with
// go-i18n, and a number printer per language.
type catalog struct {
	bundle   *i18n.Bundle
	loc      map[string]*i18n.Localizer
	printers map[string]*message.Printer
}

// loadCatalog reads every message file of locales/.
func loadCatalog() (*catalog, error) {
	b := i18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(localeFS, "locales/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("web: locales: %w", err)
	}
	for _, f := range files {
		raw, err := localeFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("web: locales: %w", err)
		}
		if _, err := b.ParseMessageFileBytes(raw, path.Base(f)); err != nil {
			return nil, fmt.Errorf("web: locales: %s: %w", f, err)
		}
	}
	c := &catalog{bundle: b, loc: map[string]*i18n.Localizer{}, printers: map[string]*message.Printer{}}
	for _, l := range []string{langVI, langEN} {
		c.loc[l] = i18n.NewLocalizer(b, l)
		c.printers[l] = message.NewPrinter(language.Make(l))
	}
	return c, nil
}

// T is message id in lang, its {{.Name}} placeholders filled from args
// (name, value pairs). A missing message shows as its id in brackets, so
// that a test can find it; TestMessagesComplete keeps there being none.
func (c *catalog) T(lang, id string, args ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
		cfg.TemplateData = data
		if n, ok := data["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := c.loc[lang].Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// A language without plural forms (Vietnamese) writes one text;
		// go-i18n's rule still asks its "one" form for 0 and 1.
		cfg.PluralCount = nil
		s, err = c.loc[lang].Localize(cfg)
	}
	if err != nil {
		return "[" + id + "]"
	}
	return s
}

// normLang is a supported language, Vietnamese for anything else.
func normLang(s string) string {
	if strings.EqualFold(strings.TrimSpace(s), langEN) {
		return langEN
	}
	return langVI
}

// text is a catalogue text (a procedure's name, a state) in lang: its
// English where the page is English and the catalogue has it.
func text(lang string, t workflow.Text) string {
	if lang == langEN && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// The formats of dates and instants: dd/mm/yyyy in Asia/Ho_Chi_Minh, in
// both languages.
const (
	dateLayout     = "02/01/2006"
	dateTimeLayout = "15:04 02/01/2006"
)

// formatDate is t's local date, or "—" for the zero time.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(deadlines.Location).Format(dateLayout)
}

// formatDateTime is t's local time and date, or "—".
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(deadlines.Location).Format(dateTimeLayout)
}

// number formats a number in lang: 1.234,5 in Vietnamese, 1,234.5 in English.
func (c *catalog) number(lang string, v any) string {
	return c.printers[lang].Sprint(number.Decimal(v))
}

// percent formats a ratio (0.875) as a percentage with one decimal.
func (c *catalog) percent(lang string, ratio float64) string {
	return c.printers[lang].Sprint(number.Percent(ratio, number.MaxFractionDigits(1)))
}
