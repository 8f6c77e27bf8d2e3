/* paperkg view page: draws the prepared nodes/edges with vis-network and wires the legend, search,
 * tooltips, details panel and physics toggle. Canvas labels keep one size on screen and are placed by
 * importance (pinned nodes, then node size): at every zoom, a node shows its label only when the label
 * overlaps no label already placed, so zooming in reveals more of them. Every text from the data goes into the page through
 * textContent or attribute setters (never innerHTML), and links are kept only for http(s) URLs. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("pk-data").textContent);
  var options = JSON.parse(document.getElementById("pk-options").textContent);
  var byId = document.getElementById.bind(document);

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    return /^https?:\/\//i.test(url) ? url : null;
  }

  function keyValue(key, value) {
    var p = el("p", null, "pk-kv");
    p.appendChild(el("b", key + ": "));
    p.appendChild(document.createTextNode(String(value)));
    return p;
  }

  function nodeCard(node, heading) {
    var info = node.info || {};
    var box = document.createDocumentFragment();
    box.appendChild(el(heading, info.name || node.id, "pk-tt-title"));
    box.appendChild(el("p", info.kindLabel, "pk-muted"));
    var rows = info.rows || [];
    for (var i = 0; i < rows.length; i++) {
      if (rows[i][1] !== null && rows[i][1] !== "") box.appendChild(keyValue(rows[i][0], rows[i][1]));
    }
    if (info.snippet) box.appendChild(el("p", info.snippet, "pk-muted"));
    var url = safeUrl(info.url);
    if (url) {
      var link = el("a", "open the paper");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.appendChild(link);
    }
    return box;
  }

  function edgeCard(edge) {
    var info = edge.info || {};
    var box = document.createDocumentFragment();
    box.appendChild(el("div", info.name, "pk-tt-title"));
    var rows = info.rows || [];
    for (var i = 0; i < rows.length; i++) {
      if (rows[i][1] !== null && rows[i][1] !== "") box.appendChild(keyValue(rows[i][0], rows[i][1]));
    }
    return box;
  }

  function renderHeader() {
    document.title = data.meta.title;
    byId("pk-title").textContent = data.meta.title;
    byId("pk-counts").textContent = data.meta.counts;
    byId("pk-how").textContent = data.meta.how;
    if (data.meta.aggregated) {
      var agg = byId("pk-aggregated");
      agg.textContent = data.meta.aggregated;
      agg.hidden = false;
    }
  }

  function renderLegend() {
    var legend = byId("pk-legend");
    var groups = data.legend.communities;
    if (groups.length) {
      legend.appendChild(el("h3", "Colours: communities"));
      var list = el("ul");
      for (var i = 0; i < groups.length; i++) {
        var item = el("li");
        var swatch = el("span", null, "pk-swatch");
        swatch.style.background = groups[i].color;
        item.appendChild(swatch);
        item.appendChild(el("span", groups[i].name));
        list.appendChild(item);
      }
      legend.appendChild(list);
    }
    if (data.legend.others) {
      if (!groups.length) legend.appendChild(el("h3", "Colours: communities"));
      var other = el("p", null, "pk-muted");
      var grey = el("span", null, "pk-swatch");
      grey.style.background = data.legend.others.color;
      grey.style.display = "inline-block";
      grey.style.marginRight = "6px";
      other.appendChild(grey);
      other.appendChild(document.createTextNode(data.legend.others.name));
      legend.appendChild(other);
    }
    legend.appendChild(el("h3", "Shapes: node kinds"));
    var shapes = el("ul");
    for (var j = 0; j < data.legend.kinds.length; j++) {
      var kind = data.legend.kinds[j];
      var row = el("li");
      var glyph = el("span", kind.glyph, "pk-shape");
      glyph.style.color = kind.color;
      row.appendChild(glyph);
      row.appendChild(el("span", kind.name));
      shapes.appendChild(row);
    }
    legend.appendChild(shapes);
    legend.appendChild(el("h3", "Lines: relationships"));
    var lines = el("ul");
    for (var k = 0; k < data.legend.edges.length; k++) {
      var edge = data.legend.edges[k];
      var line = el("li");
      var bar = el("span", "\u2014", "pk-shape");
      bar.style.color = edge.color;
      line.appendChild(bar);
      line.appendChild(el("span", edge.name));
      lines.appendChild(line);
    }
    legend.appendChild(lines);
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = byId("pk-network");
  renderHeader();
  renderLegend();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  var tooltip = byId("pk-tooltip");
  var hideTimer = null;

  function showTooltip(content, pointer) {
    clearTimeout(hideTimer);
    tooltip.replaceChildren(content);
    var rect = container.getBoundingClientRect();
    tooltip.style.left = Math.min(rect.left + pointer.x + 14, window.innerWidth - 370) + "px";
    tooltip.style.top = Math.max(rect.top + pointer.y + 14, 0) + "px";
    tooltip.hidden = false;
  }

  function hideTooltipSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { tooltip.hidden = true; }, 400);
  }

  tooltip.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  tooltip.addEventListener("mouseleave", hideTooltipSoon);
  network.on("hoverNode", function (params) {
    showTooltip(nodeCard(nodes.get(params.node), "div"), params.pointer.DOM);
  });
  network.on("hoverEdge", function (params) {
    showTooltip(edgeCard(edges.get(params.edge)), params.pointer.DOM);
  });
  network.on("blurNode", hideTooltipSoon);
  network.on("blurEdge", hideTooltipSoon);
  network.on("dragStart", function () { tooltip.hidden = true; });

  function showDetails(id) {
    var node = nodes.get(id);
    var panel = byId("pk-details");
    if (!node) {
      panel.hidden = true;
      return false;
    }
    panel.replaceChildren(nodeCard(node, "h2"));
    panel.hidden = false;
    return true;
  }

  network.on("selectNode", function (params) { showDetails(params.nodes[0]); });
  network.on("deselectNode", function () { byId("pk-details").hidden = true; });

  var names = byId("pk-names");
  var searchIndex = data.nodes.map(function (node) {
    var name = (node.info && node.info.name) || node.id;
    return { id: node.id, name: name, lower: name.toLowerCase() };
  });
  searchIndex.forEach(function (entry) {
    var option = document.createElement("option");
    option.value = entry.name;
    names.appendChild(option);
  });

  function findNode(query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var i;
    for (i = 0; i < searchIndex.length; i++) {
      if (searchIndex[i].lower === q || searchIndex[i].id.toLowerCase() === q) return searchIndex[i].id;
    }
    for (i = 0; i < searchIndex.length; i++) {
      if (searchIndex[i].lower.indexOf(q) !== -1) return searchIndex[i].id;
    }
    return null;
  }

  function focusNode(query) {
    var id = findNode(query);
    var status = byId("pk-search-status");
    if (id === null) {
      status.textContent = "No node matches \u201c" + query + "\u201d in this view.";
      return null;
    }
    status.textContent = "";
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetails(id);
    return id;
  }

  byId("pk-go").addEventListener("click", function () { focusNode(byId("pk-search").value); });
  byId("pk-search").addEventListener("keydown", function (event) {
    if (event.key === "Enter") focusNode(byId("pk-search").value);
  });
  byId("pk-search").addEventListener("change", function () { focusNode(byId("pk-search").value); });

  var physics = byId("pk-physics");
  physics.checked = Boolean(options.physics && options.physics.enabled);
  physics.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physics.checked } });
  });

  // --- labels: one size on screen, most important first, never overlapping ----------------------------
  var LABEL_PX = 13;
  var LABEL_PAD = 3;
  var fontFace = (options.nodes && options.nodes.font && options.nodes.font.face) || "sans-serif";
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = LABEL_PX + "px " + fontFace;
  var labelOrder = data.nodes.map(function (node, index) {
    return {
      id: node.id, text: node.text || "", size: node.size || 0, pinned: Boolean(node.pinned), index: index,
      width: measure.measureText(node.text || "").width,
    };
  }).filter(function (entry) { return entry.text; });
  labelOrder.sort(function (a, b) {
    return (b.pinned - a.pinned) || (b.size - a.size) || (a.index - b.index);
  });
  var labelShown = {};

  function overlapsAny(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var other = boxes[i];
      if (box.l < other.r && other.l < box.r && box.t < other.b && other.t < box.b) return true;
    }
    return false;
  }

  function placeLabels() {
    var scale = network.getScale();
    var positions = network.getPositions(labelOrder.map(function (entry) { return entry.id; }));
    var width = container.clientWidth;
    var height = container.clientHeight;
    var boxes = [];
    var show = {};
    for (var i = 0; i < labelOrder.length; i++) {
      var entry = labelOrder[i];
      var at = network.canvasToDOM(positions[entry.id]);
      var top = at.y + entry.size * scale;
      var box = {
        l: at.x - entry.width / 2 - LABEL_PAD, r: at.x + entry.width / 2 + LABEL_PAD,
        t: top - LABEL_PAD, b: top + LABEL_PX * 1.3 + LABEL_PAD,
      };
      if (box.r < 0 || box.l > width || box.b < 0 || box.t > height) continue;
      if (overlapsAny(box, boxes)) continue;
      boxes.push(box);
      show[entry.id] = true;
    }
    var font = { size: LABEL_PX / scale, strokeWidth: 3 / scale, face: fontFace };
    var updates = labelOrder.map(function (entry) {
      return { id: entry.id, label: show[entry.id] ? entry.text : "", font: font };
    });
    labelShown = show;
    nodes.update(updates);
  }

  var labelTimer = null;
  function placeLabelsSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(placeLabels, 120);
  }
  network.on("zoom", placeLabelsSoon);
  network.on("dragEnd", placeLabelsSoon);
  network.on("stabilized", placeLabelsSoon);
  network.on("animationFinished", placeLabelsSoon);
  window.addEventListener("resize", placeLabelsSoon);

  function fitInitial() {
    var ids = (data.fit || []).filter(function (id) { return nodes.get(id) !== null; });
    network.fit(ids.length ? { nodes: ids, animation: false } : { animation: false });
  }

  byId("pk-fit").addEventListener("click", function () {
    network.fit({ animation: false });
    placeLabels();
  });

  window.paperkg = {
    network: network, nodes: nodes, edges: edges, focusNode: focusNode, showDetails: showDetails,
    placeLabels: placeLabels, labelShown: function () { return Object.keys(labelShown); },
  };
  window.paperkgReady = false;
  network.once("afterDrawing", function () {
    window.paperkgFirstDrawMs = performance.now();
    fitInitial();
    placeLabels();
    network.once("afterDrawing", function () { window.paperkgReady = true; });
    network.redraw();
  });
})();
