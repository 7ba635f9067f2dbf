// Charts of the supervision pages, drawn with the vendored ECharts. Each
// chart is a <div class="chart" data-chart="…"> whose JSON names its kind
// (bar, pie or step), title, unit, labels and values; the same numbers are
// in the "查看数据" table beside it, so nothing is lost without this file.
// No inline script or style: tooltips are drawn on the canvas (richText),
// because ECharts' HTML tooltips carry style attributes the CSP refuses.
(function () {
  "use strict";

  var primary = "#1b4f93";
  var font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

  function base(spec) {
    return {
      animation: false,
      textStyle: { fontFamily: font },
      title: { show: false },
      tooltip: { renderMode: "richText", confine: true },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true }
    };
  }

  // Bars stand up on wide screens and lie down on phones, where the
  // category names would not fit under them.
  function bar(spec, narrow) {
    var o = base(spec);
    o.tooltip.trigger = "axis";
    o.tooltip.axisPointer = { type: "shadow" };
    var categories = { type: "category", data: spec.labels, axisLabel: { interval: 0, fontSize: 11, width: 72, overflow: "break" } };
    var values = { type: "value", name: spec.unit, minInterval: 1, nameTextStyle: { align: "left" } };
    if (narrow) {
      categories.inverse = true;
      o.yAxis = categories;
      o.xAxis = values;
      o.grid.right = 28;
    } else {
      o.xAxis = categories;
      o.yAxis = values;
    }
    o.series = [{
      type: "bar", name: spec.title, barMaxWidth: 42,
      data: spec.values.map(function (v, i) {
        return { value: v, itemStyle: { color: (spec.colors && spec.colors[i]) || primary } };
      }),
      label: { show: true, position: narrow ? "right" : "top", fontSize: 11 }
    }];
    return o;
  }

  function pie(spec) {
    var o = base(spec);
    o.tooltip.trigger = "item";
    o.tooltip.formatter = "{b}：{c} " + spec.unit + "（{d}%）";
    o.legend = { bottom: 0 };
    o.series = [{
      type: "pie", name: spec.title, radius: ["35%", "65%"], center: ["50%", "45%"],
      label: { formatter: "{b}\n{c} " + spec.unit },
      data: spec.labels.map(function (l, i) {
        return { name: l, value: spec.values[i], itemStyle: { color: (spec.colors && spec.colors[i]) || primary } };
      })
    }];
    return o;
  }

  // A score over time: the value holds until the next change.
  function step(spec, narrow) {
    var o = base(spec);
    o.tooltip.trigger = "axis";
    // A little room after the last point, so a change on the latest day shows.
    o.xAxis = {
      type: "time", splitNumber: narrow ? 3 : 6,
      max: function (v) { return v.max + Math.max((v.max - v.min) * 0.03, 86400000); },
      axisLabel: { hideOverlap: true, showMaxLabel: false, formatter: "{yyyy}-{MM}-{dd}" }
    };
    o.yAxis = { type: "value", name: spec.unit, min: spec.min, max: spec.max, interval: 10 };
    var data = spec.labels.map(function (d, i) { return [d, spec.values[i]]; });
    if (data.length === 1) data.push([new Date().toISOString().slice(0, 10), spec.values[0]]);
    o.series = [{
      type: "line", name: spec.title, step: "end", showSymbol: data.length < 40, symbolSize: 6,
      data: data, lineStyle: { color: primary, width: 2 }, itemStyle: { color: primary },
      markLine: (spec.marks || []).length === 0 ? undefined : {
        silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#aeb5c0" },
        label: { position: "insideEndTop", fontSize: 10, color: "#5f6774" },
        data: spec.marks.map(function (m) {
          var g = { 90: "A 级", 75: "B 级", 60: "C 级" }[m] || "";
          return { yAxis: m, name: g, label: { formatter: g + " " + m } };
        })
      }
    }];
    return o;
  }

  var kinds = { bar: bar, pie: pie, step: step };
  var charts = [];

  function draw(el) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    var build = kinds[spec.kind];
    if (!build || !spec.labels || spec.labels.length === 0) return;
    el.textContent = "";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(spec, el.clientWidth < 520));
    el.setAttribute("data-drawn", "true");
    charts.push(chart);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    document.querySelectorAll(".chart[data-chart]").forEach(draw);
    var pending = 0;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (c) { c.resize(); });
      }, 150);
    });
  });
})();
