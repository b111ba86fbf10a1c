// The comparison charts (统计报表 → 对比分析图): ECharts from the page's JSON data (no inline script: CSP).
(function () {
  var data = JSON.parse(document.getElementById("xd-chart-data").textContent);
  data.panels.forEach(function (p, i) {
    var chart = echarts.init(document.getElementById("chart-" + i));
    var series = [{ name: data.main, type: "bar", data: p.values }];
    var yAxis = [{ type: "value" }];
    if (data.kind === "quality") {
      series.push({ name: "不良率 %", type: "line", yAxisIndex: 1, data: p.ratios });
      yAxis.push({ type: "value", axisLabel: { formatter: "{value}%" } });
    }
    chart.setOption({ animation: false, title: { text: p.group, left: "center", textStyle: { fontSize: 13 } }, tooltip: { trigger: "axis" },
      legend: { bottom: 0 }, xAxis: { type: "category", data: p.names, axisLabel: { rotate: 30 } }, yAxis: yAxis, series: series,
      grid: { bottom: 70 } });
  });
  if (data.trend.length) {
    var chart = echarts.init(document.getElementById("chart-trend"));
    var series = [{ name: data.main, type: "line", data: data.trend.map(function (t) { return t.value; }) }];
    var yAxis = [{ type: "value" }];
    if (data.kind === "quality") {
      series.push({ name: "不良率 %", type: "line", yAxisIndex: 1, data: data.trend.map(function (t) { return t.ratio; }) });
      yAxis.push({ type: "value", axisLabel: { formatter: "{value}%" } });
    }
    chart.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: { bottom: 0 }, xAxis: { type: "category", data: data.trend.map(function (t) { return t.day; }) }, yAxis: yAxis, series: series });
  }
})();
