package web

import (
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/go-analyze/charts"
)

// barChart is one chart of the dashboard: a bar per category, drawn on the
// server as SVG (go-analyze/charts). Every chart the page shows has a
// table of the same figures beside it.
type barChart struct {
	Labels []string
	// Values are the bars; NaN draws none (no data for the category).
	Values []float64
	// Percent says the values are ratios from 0 to 1, written as percentages.
	Percent bool
	// Horizontal draws the bars across, for long category names.
	Horizontal bool
	// Short are shorter names of the categories for a Small chart (none:
	// Labels cut short).
	Short []string
	// Small draws it for a phone's width: narrower, with the same text
	// size, so that the text stays readable once the image fits the screen.
	Small bool
}

// Chart sizes, in SVG user units (the image scales to its box) and
// points: a chart is drawn about the width it is shown at, on a desktop
// (two charts a row) or on a phone (Small).
const (
	chartWidth           = 560
	chartSmallWidth      = 340
	chartHeight          = 300
	chartRowHeight       = 34 // per bar of a horizontal chart
	chartMinHeight       = 130
	chartLabelRunes      = 30 // longer category names are cut with "…"
	chartSmallLabelRunes = 16
	chartFontSize        = 13
)

// chartTheme keeps the text dark on white (9.7:1) and the bars in the
// site's brand blue, 11.5:1 on white: both pass WCAG AA, the bars for
// graphics (3:1) and the labels over them for text (4.5:1).
var chartTheme = charts.MakeTheme(charts.ThemeOption{
	BackgroundColor:    charts.ColorFromHex("ffffff"),
	TextColor:          charts.ColorFromHex("1b1f24"),
	AxisStrokeColor:    charts.ColorFromHex("4a5360"),
	AxisSplitLineColor: charts.ColorFromHex("d5dae2"),
	SeriesColors:       []charts.Color{charts.ColorFromHex("0b3a75")},
})

// svg draws c as an SVG document, its numbers written in lang.
func (w *app) svg(lang string, c barChart) ([]byte, error) {
	format := func(v float64) string { return w.i18n.number(lang, v) }
	if c.Percent {
		format = func(v float64) string { return w.i18n.percent(lang, v) }
	}
	values := make([]float64, len(c.Values))
	for i, v := range c.Values {
		values[i] = v
		if math.IsNaN(v) {
			values[i] = charts.GetNullValue()
		}
	}
	width, runes := chartWidth, chartLabelRunes
	if c.Small {
		width, runes = chartSmallWidth, chartSmallLabelRunes
	}
	labels := make([]string, len(c.Labels))
	for i, l := range c.Labels {
		if c.Small && i < len(c.Short) {
			l = c.Short[i]
		}
		labels[i] = shorten(l, runes)
	}
	if c.Horizontal { // the library draws the first bar at the bottom: the table's order top down
		slices.Reverse(labels)
		slices.Reverse(values)
	}
	font := charts.FontStyle{FontSize: chartFontSize, FontColor: charts.ColorFromHex("1b1f24")}
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Theme = chartTheme
	opt.Horizontal = c.Horizontal
	opt.CategoryAxis.Labels = labels
	opt.CategoryAxis.LabelFontStyle = font
	opt.CategoryAxis.LabelCount = len(labels)       // every category named, none skipped
	opt.CategoryAxis.BoundaryGap = charts.Ptr(true) // each name under its bar
	opt.ValueFormatter = format
	opt.SeriesList[0].Label = charts.SeriesLabel{Show: charts.Ptr(true), ValueFormatter: format, FontStyle: font}
	opt.ValueAxis[0].LabelFontStyle = font
	opt.ValueAxis[0].Min = charts.Ptr(0.0)
	if c.Percent {
		opt.ValueAxis[0].Max = charts.Ptr(1.0)
	} else {
		opt.ValueAxis[0].Max = charts.Ptr(countAxisMax(values))
	}
	opt.Padding = charts.NewBoxEqual(12)
	opt.Padding.Top = 24   // room for the label over the tallest bar
	opt.Padding.Right = 44 // room for the label after the longest bar
	height := chartHeight
	if c.Horizontal {
		height = max(chartMinHeight, chartRowHeight*len(values)+70)
		if c.Small { // the bars carry their values: the axis's figures would crowd
			opt.ValueAxis[0].Show = charts.Ptr(false)
		}
	} else if len(labels) > 6 && c.Small { // a phone's narrow bars: upright names would overlap at 60°
		opt.CategoryAxis.LabelRotation = charts.DegreesToRadians(90)
	} else if len(labels) > 6 {
		opt.CategoryAxis.LabelRotation = charts.DegreesToRadians(60)
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: width, Height: height})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("web: draw a chart: %w", err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("web: draw a chart: %w", err)
	}
	return b, nil
}

// countAxisMax is a round top for an axis of counts: at least 4, so that
// the ticks of small counts stay whole numbers.
func countAxisMax(values []float64) float64 {
	top := 0.0
	for _, v := range values {
		if v != charts.GetNullValue() {
			top = max(top, v)
		}
	}
	if top <= 4 {
		return 4
	}
	return math.Ceil(top/4) * 4
}

// shorten cuts s to n runes, ending it with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
