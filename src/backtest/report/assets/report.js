// Draws the report's charts from the embedded JSON with the inlined lightweight-charts build. All text from
// the data goes through textContent, never HTML. Marks <html data-charts="N"> when every chart is created.
(function () {
  "use strict";
  var LC = window.LightweightCharts;
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var UP = "#d9363e", DOWN = "#1c6dd0", STRATEGY = "#5b3fd0", BENCHMARK = "#9aa1a9";
  var BUY = "#e8590c", SELL = "#343a40";
  var PALETTE = ["#f08c00", "#2f9e44", "#ae3ec9", "#0c8599", "#e64980", "#5c940d", "#1864ab", "#862e9c"];
  var PRICE_PANE = 300, ANNOTATION_PANE = 96;
  /** Beyond this many fill markers on one chart their quantity labels would overlap into noise. */
  var MAX_LABELLED_MARKERS = 40;
  var wonFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  var numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
  var charts = [];

  function won(v) { return wonFormat.format(v); }

  function priceFormat(formatter, minMove) {
    return { type: "custom", formatter: formatter, minMove: minMove || 1 };
  }

  function makeChart(container) {
    var chart = LC.createChart(container, {
      autoSize: true,
      layout: {
        background: { type: "solid", color: "#ffffff" }, textColor: "#59606a", fontSize: 11,
        attributionLogo: false, panes: { separatorColor: "#e6e8eb" }
      },
      grid: { vertLines: { color: "#f3f4f6" }, horzLines: { color: "#f3f4f6" } },
      rightPriceScale: { borderVisible: false },
      timeScale: { borderVisible: false }
    });
    charts.push(chart);
    return chart;
  }

  function syncTimeScales(a, b) {
    var busy = false;
    function follow(from, to) {
      from.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
        if (busy || range === null) return;
        busy = true;
        to.timeScale().setVisibleLogicalRange(range);
        busy = false;
      });
    }
    follow(a, b);
    follow(b, a);
  }

  function legendItem(parent, color, label, dot) {
    var item = document.createElement("span");
    var swatch = document.createElement("span");
    swatch.className = dot ? "swatch dot" : "swatch";
    swatch.style.background = color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(label));
    parent.appendChild(item);
  }

  function drawEquity() {
    var equityChart = makeChart(document.querySelector('[data-chart="equity"]'));
    if (data.benchmark !== null) {
      equityChart.addSeries(LC.LineSeries, {
        color: BENCHMARK, lineWidth: 2, title: "Benchmark", priceLineVisible: false, priceFormat: priceFormat(won)
      }).setData(data.benchmark);
    }
    equityChart.addSeries(LC.LineSeries, {
      color: STRATEGY, lineWidth: 2, title: "Strategy", priceLineVisible: false, priceFormat: priceFormat(won)
    }).setData(data.equity);
    equityChart.timeScale().fitContent();

    var ddChart = makeChart(document.querySelector('[data-chart="drawdown"]'));
    var dd = ddChart.addSeries(LC.BaselineSeries, {
      priceFormat: priceFormat(function (v) { return v.toFixed(1) + "%"; }, 0.01),
      baseValue: { type: "price", price: 0 }, lineWidth: 2,
      topLineColor: DOWN, topFillColor1: "rgba(28,109,208,0.05)", topFillColor2: "rgba(28,109,208,0.05)",
      bottomLineColor: DOWN, bottomFillColor1: "rgba(28,109,208,0.12)", bottomFillColor2: "rgba(28,109,208,0.38)",
      priceLineVisible: false
    });
    dd.setData(data.drawdown);
    ddChart.timeScale().fitContent();
    syncTimeScales(equityChart, ddChart);
  }

  function drawAnnotation(chart, track, paneIndex, color, legend) {
    var group = document.createElement("span");
    group.className = "group";
    var title = document.createElement("span");
    title.className = "title";
    group.appendChild(title);
    legend.appendChild(group);
    if (track.kind === "numeric") {
      legendItem(title, color, track.series, false);
      chart.addSeries(LC.LineSeries, {
        color: color, lineWidth: 2, priceLineVisible: false, title: track.series,
        priceFormat: priceFormat(function (v) { return numberFormat.format(v); }, 0.01)
      }, paneIndex).setData(track.points);
      return;
    }
    // Categorical: a ribbon of one bar per day, its height the category's level and its colour the category's.
    // The axis shows no labels (categories can be long); the legend names each colour.
    title.textContent = track.series + ":";
    var colors = track.categories.map(function (_, i) { return PALETTE[(i + 3) % PALETTE.length]; });
    track.categories.forEach(function (label, i) { legendItem(group, colors[i], label, true); });
    chart.addSeries(LC.HistogramSeries, {
      priceLineVisible: false, lastValueVisible: false, title: track.series, base: 0,
      priceFormat: priceFormat(function () { return ""; })
    }, paneIndex).setData(track.points.map(function (p) {
      return { time: p.time, value: p.value + 1, color: colors[p.value] };
    }));
  }

  function drawSymbol(container, symbol, legend) {
    if (symbol.candles.length === 0 && symbol.annotations.length === 0) {
      container.style.display = "none";
      return;
    }
    container.style.height = (PRICE_PANE + symbol.annotations.length * ANNOTATION_PANE) + "px";
    var chart = makeChart(container);
    if (symbol.candles.length > 0) {
      var candles = chart.addSeries(LC.CandlestickSeries, {
        upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN, priceLineVisible: false,
        priceFormat: priceFormat(won)
      });
      candles.setData(symbol.candles);
      var labelled = symbol.markers.length <= MAX_LABELLED_MARKERS;
      LC.createSeriesMarkers(candles, symbol.markers.map(function (m) {
        var buy = m.side === "buy";
        return {
          time: m.time, position: buy ? "belowBar" : "aboveBar", shape: buy ? "arrowUp" : "arrowDown",
          color: buy ? BUY : SELL, text: labelled ? (buy ? "B " : "S ") + won(m.quantity) : ""
        };
      }));
      legendItem(legend, BUY, "buy fill", true);
      legendItem(legend, SELL, "sell fill", true);
    }
    var offset = symbol.candles.length > 0 ? 1 : 0;
    symbol.annotations.forEach(function (track, i) {
      drawAnnotation(chart, track, i + offset, PALETTE[i % PALETTE.length], legend);
    });
    var panes = chart.panes();
    for (var p = 0; p < panes.length; p++) panes[p].setStretchFactor(p === 0 && offset === 1 ? PRICE_PANE : ANNOTATION_PANE);
    chart.timeScale().fitContent();
  }

  drawEquity();
  document.querySelectorAll('[data-chart="symbol"]').forEach(function (container) {
    var index = Number(container.getAttribute("data-index"));
    drawSymbol(container, data.symbols[index], document.querySelector('[data-legend="' + index + '"]'));
  });
  document.documentElement.setAttribute("data-charts", String(charts.length));
})();
