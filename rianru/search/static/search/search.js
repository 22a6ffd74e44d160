// "Use my location": fills the search form's lat/lon from the browser and sorts by distance.
(function () {
  function wire(root) {
    root.querySelectorAll("button.near-me").forEach(function (button) {
      if (!("geolocation" in navigator)) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var form = button.form;
        navigator.geolocation.getCurrentPosition(function (position) {
          [["lat", position.coords.latitude], ["lon", position.coords.longitude], ["sort", "distance"]].forEach(function (pair) {
            var input = form.querySelector('[name="' + pair[0] + '"]');
            if (!input || input.tagName === "SELECT" && pair[0] !== "sort") {
              input = document.createElement("input");
              input.type = "hidden";
              input.name = pair[0];
              form.appendChild(input);
            }
            if (input.tagName === "SELECT") {
              var option = document.createElement("option");
              option.value = pair[1];
              input.appendChild(option);
            }
            input.value = typeof pair[1] === "number" ? pair[1].toFixed(5) : pair[1];
          });
          var community = form.querySelector('[name="near_community"]');
          if (community) community.value = "";
          form.requestSubmit();
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target.parentNode || document); });
})();
