// Live deadline countdowns for the selection hall. Every page shows the
// absolute time and a countdown rendered by the server; this file only
// keeps the countdown running. It measures against the server's clock
// (data-now, the server time when the page was made), so a visitor whose
// computer clock is wrong is not misled about a deadline.
(function () {
  "use strict";

  var timers = [];

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function format(ms) {
    if (ms <= 0) return "已截止";
    var s = Math.floor(ms / 1000);
    var days = Math.floor(s / 86400), hours = Math.floor(s % 86400 / 3600);
    var mins = Math.floor(s % 3600 / 60), secs = s % 60;
    if (days > 0) return "剩余 " + days + " 天 " + hours + " 小时";
    if (hours > 0) return "剩余 " + hours + " 小时 " + pad(mins) + " 分";
    return "剩余 " + mins + " 分 " + pad(secs) + " 秒";
  }

  function tick() {
    var now = Date.now();
    timers.forEach(function (t) {
      var left = t.deadline - (now + t.offset);
      var text = format(left);
      if (t.el.textContent !== text) t.el.textContent = text;
      if (left <= 0) t.el.classList.add("countdown-passed");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      var serverNow = Date.parse(el.getAttribute("data-now"));
      if (isNaN(deadline)) return;
      timers.push({ el: el, deadline: deadline, offset: isNaN(serverNow) ? 0 : serverNow - Date.now() });
    });
    if (timers.length > 0) {
      tick();
      window.setInterval(tick, 1000);
    }
  });
})();
