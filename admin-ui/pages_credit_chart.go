package adminui

import (
	"encoding/json"
	"strconv"
)

// chart is one chart drawn by static/charts.js with ECharts. The page
// carries its numbers twice: in the data-chart attribute for the script,
// and in a "查看数据" table that needs no script at all.
type chart struct {
	ID     string
	Title  string // shown above the chart and as the table's caption
	Unit   string // of the values: 家, 件, 分, %
	Head   string // heading of the label column in the table
	Labels []string
	Values []string // decimal text, e.g. "95.0" or "12"
	Spec   string   // JSON for charts.js
}

// chartSpec is what charts.js reads.
type chartSpec struct {
	Kind   string        `json:"kind"` // bar, pie or step (a score over time)
	Title  string        `json:"title"`
	Unit   string        `json:"unit"`
	Labels []string      `json:"labels"`
	Values []json.Number `json:"values"`
	Colors []string      `json:"colors,omitempty"` // one per bar or slice
	Min    *int          `json:"min,omitempty"`
	Max    *int          `json:"max,omitempty"`
	Marks  []int         `json:"marks,omitempty"` // horizontal reference lines (grade bounds)
}

// newChart builds a chart; extra options are set on the spec by opts.
func newChart(id, kind, title, unit, head string, labels, values []string, opts ...func(*chartSpec)) chart {
	s := chartSpec{Kind: kind, Title: title, Unit: unit, Labels: labels}
	for _, v := range values {
		s.Values = append(s.Values, json.Number(v))
	}
	for _, o := range opts {
		o(&s)
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // only strings and numbers: cannot fail
	}
	return chart{ID: id, Title: title, Unit: unit, Head: head, Labels: labels, Values: values, Spec: string(b)}
}

func withColors(colors ...string) func(*chartSpec) {
	return func(s *chartSpec) { s.Colors = colors }
}

func withRange(lo, hi int, marks ...int) func(*chartSpec) {
	return func(s *chartSpec) { s.Min, s.Max, s.Marks = &lo, &hi, marks }
}

// countChart is a bar or pie chart of counts.
func countChart(id, kind, title, unit, head string, labels []string, counts []int, opts ...func(*chartSpec)) chart {
	values := make([]string, len(counts))
	for i, n := range counts {
		values[i] = strconv.Itoa(n)
	}
	return newChart(id, kind, title, unit, head, labels, values, opts...)
}

// Colours of the charts: the grades and the alert cards as on the badges.
var (
	gradeColors = []string{"#1a7f37", "#1b4f93", "#c26a00", "#b42318", "#8a919c"}
	alertColors = []string{"#c9a000", "#b42318"}
)

// Empty reports whether every value of the chart is zero.
func (c chart) Empty() bool {
	for _, v := range c.Values {
		if v != "0" && v != "0.0" {
			return false
		}
	}
	return true
}
