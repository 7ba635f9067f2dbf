package excel

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ChartKind is the type of a native Excel chart.
type ChartKind int

const (
	ColumnChart ChartKind = iota // clustered columns
	PieChart
	LineChart
)

// Ref is a column of a table's data cells, for chart series. Take it with
// Table.Column after the rows are written.
type Ref struct {
	sheet    string
	col      int // 1-based
	from, to int // rows
}

// Column is the range of data cells written so far in column i (0-based).
func (t *Table) Column(i int) Ref {
	return Ref{sheet: t.sheet.Name, col: i + 1, from: t.headerRow + 1, to: t.row}
}

// String is the absolute reference, e.g. 'KPI'!$B$3:$B$7.
func (r Ref) String() string {
	col, _ := excelize.ColumnNumberToName(r.col)
	return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", strings.ReplaceAll(r.sheet, "'", "''"), col, r.from, col, r.to)
}

// Empty reports whether the range has no cells (no rows were written).
func (r Ref) Empty() bool { return r.to < r.from }

// Series is one data series of a chart; its name is the header of the
// values' column.
type Series struct {
	Categories Ref
	Values     Ref
}

// Chart is a native Excel chart: Excel draws it from the cells, so it
// follows any edit of the data.
type Chart struct {
	Kind   ChartKind
	Title  string
	Series []Series
	// Percent formats the value axis and data labels as percentages.
	Percent bool
	// Width and Height in pixels; 0 picks 520 × 300.
	Width, Height uint
}

// AddChart anchors a chart at cell (its top left corner, e.g. "E2") of the
// table's sheet. Its series may name columns of any table of the workbook.
// Call it before the table is closed: a streamed sheet is final once
// flushed.
func (t *Table) AddChart(cell string, c Chart) error {
	if t.closed {
		return errors.New("excel: chart added to a closed table")
	}
	if len(c.Series) == 0 {
		return errors.New("excel: a chart needs at least one series")
	}
	ch := &excelize.Chart{
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title, Font: &excelize.Font{Bold: true, Size: 12, Color: colorTitle}}}},
		Dimension: excelize.ChartDimension{Width: 520, Height: 300},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Format:    excelize.GraphicOptions{OffsetX: 10, OffsetY: 10},
	}
	if c.Width > 0 && c.Height > 0 {
		ch.Dimension = excelize.ChartDimension{Width: c.Width, Height: c.Height}
	}
	switch c.Kind {
	case ColumnChart:
		ch.Type = excelize.Col
		ch.VaryColors = ptr(false)
		ch.PlotArea.ShowVal = true
		ch.YAxis.MajorGridLines = true
	case PieChart:
		ch.Type = excelize.Pie
		ch.PlotArea.ShowPercent = true
		ch.PlotArea.ShowCatName = true
		ch.Legend.Position = "right"
	case LineChart:
		ch.Type = excelize.Line
		ch.VaryColors = ptr(false)
		ch.YAxis.MajorGridLines = true
	default:
		return fmt.Errorf("excel: unknown chart kind %d", c.Kind)
	}
	if c.Percent {
		ch.YAxis.NumFmt = excelize.ChartNumFmt{CustomNumFmt: "0%"}
		ch.PlotArea.NumFmt = excelize.ChartNumFmt{CustomNumFmt: "0.0%"}
	}
	for _, s := range c.Series {
		if s.Values.Empty() {
			return fmt.Errorf("excel: chart %q: a series has no values", c.Title)
		}
		header := Ref{sheet: s.Values.sheet, col: s.Values.col, from: s.Values.from - 1, to: s.Values.from - 1}
		cs := excelize.ChartSeries{Name: header.String(), Categories: s.Categories.String(), Values: s.Values.String()}
		if c.Kind == LineChart {
			cs.Marker = excelize.ChartMarker{Symbol: "circle", Size: 6}
		}
		ch.Series = append(ch.Series, cs)
	}
	// The stream's worksheet is the one excelize edits until Flush, so the
	// drawing part is written with the streamed rows.
	return t.w.f.AddChart(t.sheet.Name, cell, ch)
}
