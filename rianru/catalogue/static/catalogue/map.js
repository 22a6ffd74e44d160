/* The map page: learning spaces as Leaflet markers, from the map API (GeoJSON).
 *
 * The page works without this script (the list of spaces is rendered by the server). With it, the map
 * appears, follows the filter form (HTMX swaps the list, this script reloads the markers), and the
 * "Near me" button fills the form's hidden lat/lon from the browser's location. Without a tile URL, or
 * when tiles fail to load, the markers show on a plain background. Text from the API is inserted with
 * textContent only.
 */
(function () {
  "use strict";

  var el = document.getElementById("map");
  var form = document.getElementById("map-filters");
  if (!el || !form || !window.L) return;
  el.hidden = false;

  var cityPoint = [parseFloat(el.dataset.cityLat), parseFloat(el.dataset.cityLon)];
  var map = L.map(el, { scrollWheelZoom: false }).setView(cityPoint, 13);
  var markers = L.featureGroup().addTo(map);
  var area = null;
  var request = 0;

  function noTiles() {
    if (el.classList.contains("map--no-tiles")) return;
    el.classList.add("map--no-tiles");
    var note = document.createElement("p");
    note.className = "map__note";
    note.textContent = el.dataset.noTiles;
    el.insertAdjacentElement("afterend", note);
  }

  if (el.dataset.tileUrl) {
    var failed = 0;
    var tiles = L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution });
    tiles.on("tileerror", function () {
      failed += 1;
      if (failed === 4) noTiles();
    });
    tiles.addTo(map);
  } else {
    el.classList.add("map--no-tiles");
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    params.set("lang", document.documentElement.lang || "th");
    return params.toString();
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function popup(props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("strong");
    title.appendChild(link(props.url, props.name));
    box.appendChild(title);
    var meta = document.createElement("p");
    meta.textContent = props.kind_label + (props.distance_km !== null ? " · " + props.distance_km.toFixed(1) + " km" : "");
    box.appendChild(meta);
    if (props.next_sessions.length) {
      var heading = document.createElement("p");
      heading.textContent = el.dataset.sessionsLabel;
      box.appendChild(heading);
      var list = document.createElement("ul");
      props.next_sessions.forEach(function (session) {
        var item = document.createElement("li");
        item.appendChild(document.createTextNode(session.when + " "));
        item.appendChild(link(session.url, session.title));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    box.appendChild(link(props.url, el.dataset.moreLabel));
    return box;
  }

  function draw(data) {
    markers.clearLayers();
    if (area) {
      map.removeLayer(area);
      area = null;
    }
    data.features.forEach(function (feature) {
      var props = feature.properties;
      var count = props.upcoming_count;
      var icon = L.divIcon({
        className: "map-pin map-pin--" + props.kind + (count ? " map-pin--busy" : ""),
        html: count ? "<span>" + Math.min(count, 99) + "</span>" : "",
        iconSize: [26, 26],
        iconAnchor: [13, 13],
        popupAnchor: [0, -12],
      });
      var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      L.marker(latlng, { icon: icon, title: props.name, alt: props.name, keyboard: true })
        .bindPopup(popup(props))
        .addTo(markers);
    });
    if (data.center) {
      area = L.circle([data.center[1], data.center[0]], {
        radius: data.radius_km * 1000, color: "#0b5f7a", weight: 1, fillOpacity: 0.06, interactive: false,
      }).addTo(map);
      map.fitBounds(area.getBounds());
    } else if (data.features.length) {
      map.fitBounds(markers.getBounds(), { padding: [20, 20], maxZoom: 16 });
    }
  }

  function load() {
    var mine = ++request;
    fetch(el.dataset.api + "?" + query(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && mine === request) draw(data); })
      .catch(function () { /* the list below stays the source of truth */ });
  }

  // A chosen community replaces the browser's point.
  form.addEventListener("change", function (event) {
    if (event.target.name === "community") {
      form.elements.lat.value = "";
      form.elements.lon.value = "";
    }
  }, true);

  var button = document.getElementById("near-me");
  var status = document.getElementById("near-me-status");
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        status.textContent = "";
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lon.value = position.coords.longitude.toFixed(6);
        form.elements.community.value = "";
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      }, function () {
        status.textContent = button.dataset.denied;
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }

  // The filter form is the page's only HTMX element: after it swapped the list, redraw the markers.
  document.body.addEventListener("htmx:afterSettle", load);
  document.body.addEventListener("htmx:historyRestore", load);
  window.addEventListener("pageshow", function (event) { if (event.persisted) load(); });
  load();
})();
