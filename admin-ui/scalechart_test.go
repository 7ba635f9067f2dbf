package adminui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// scaleFile holds the measured scale curve (docs/PERFORMANCE.md, "Scale
// curve"): one point per data size, each figure with the command that
// produced it in that section.
var scaleFile = filepath.Join("..", "docs", "scale.json")

type scalePoint struct {
	Label          string  `json:"label"`
	Projects       int     `json:"projects"`
	Agencies       int     `json:"agencies"`
	HallP95MS      float64 `json:"hall_p95_ms"`
	DirectoryP95MS float64 `json:"directory_p95_ms"`
	StartupS       float64 `json:"startup_s"`
	ScoringS       float64 `json:"scoring_s"`
	ExportS        float64 `json:"export_s"`
}

// scaleChartPage draws the curve with the vendored ECharts: response
// times on the left axis, durations on the right, one point per size.
const scaleChartPage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<script src="/static/vendor/echarts.min.js"></script></head>
<body style="margin:0;background:#fff"><div id="c" style="width:960px;height:520px"></div>
<script>
var pts = %s;
var font = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';
// where: the label's side of its point, so that neighbouring series'
// labels do not cover each other.
function s(name, key, axis, dash, where) {
  return { name: name, type: "line", yAxisIndex: axis, symbolSize: 8, label: { show: true, fontSize: 11, position: where || "top" },
    lineStyle: { width: 2, type: dash ? "dashed" : "solid" },
    data: pts.map(function (p) { return [p.projects, p[key] > 0 ? p[key] : null]; }) };
}
var chart = echarts.init(document.getElementById("c"));
chart.setOption({ animation: false, textStyle: { fontFamily: font },
  title: { text: "规模曲线（2 核，内嵌数据库）", left: "center", top: 8 },
  legend: { bottom: 8 },
  grid: { left: 70, right: 70, top: 60, bottom: 90 },
  xAxis: { type: "value", name: "项目数", min: 0, nameLocation: "middle", nameGap: 28,
    axisLabel: { formatter: function (v) { return v.toLocaleString("en"); } } },
  yAxis: [{ type: "value", name: "p95（毫秒）" }, { type: "value", name: "用时（秒）" }],
  series: [s("大厅页 p95", "hall_p95_ms", 0), s("名录检索 p95", "directory_p95_ms", 0),
    s("启动", "startup_s", 1, true, "bottom"), s("信用评分", "scoring_s", 1, true, "bottom"), s("全部项目导出", "export_s", 1, true)] });
document.title = "drawn";
</script></body></html>`

// TestScaleChart draws docs/scale.json with ECharts in Chromium, checks
// that every point made it onto the chart and, with
// AGENCYHALL_UPDATE_SCREENSHOTS=1, writes docs/scale-curve.png.
func TestScaleChart(t *testing.T) {
	raw, err := os.ReadFile(scaleFile)
	if err != nil {
		t.Fatal(err)
	}
	var pts []scalePoint
	if err := json.Unmarshal(raw, &pts); err != nil {
		t.Fatalf("%s: %v", scaleFile, err)
	}
	if len(pts) < 2 {
		t.Fatalf("%s has %d points; a curve needs two", scaleFile, len(pts))
	}
	for i, p := range pts {
		if p.Projects <= 0 || (i > 0 && p.Projects <= pts[i-1].Projects) {
			t.Errorf("point %d (%s): project counts must grow, got %d", i, p.Label, p.Projects)
		}
	}
	data, _ := json.Marshal(pts)
	mux := http.NewServeMux()
	mux.Handle("/static/", http.FileServer(http.Dir("."))) // the files under admin-ui/static
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(fmt.Sprintf(scaleChartPage, data)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := newBrowserTab(t)
	do(t, ctx, chromedp.EmulateViewport(960, 520), chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(chromedp.CSS("#c canvas")))
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "drawn" {
		t.Fatalf("chart page: title %q, %v", title, err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.getElementById("c")).getOption().series[0].data.length`))
	if err != nil || n != len(pts) {
		t.Fatalf("chart has %d points, want %d: %v", n, len(pts), err)
	}
	if os.Getenv("AGENCYHALL_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "scale-curve.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
