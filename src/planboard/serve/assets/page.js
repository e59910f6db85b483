// planboard's live page: follows the board file through the server's event stream.
// The server sends the page's content already escaped; nothing here evaluates it.
"use strict";
(function () {
  var board = document.getElementById("board");
  var link = document.getElementById("link");
  var root = document.documentElement;
  var skew = 0; // the server's clock minus this one, in ms
  var source = null;
  var retry = null;
  var mine = board.dataset.board || ""; // the board this page is of
  // The live channel says it is alive at least this often; a connection that is silent
  // for three times as long went quiet without closing (a laptop asleep, a network
  // changed) and is started over: the page said "live" over an old board for good.
  var quiet = 3 * Number(board.dataset.alive || 15000);
  var heard = Date.now();

  function setLink(state, words) {
    root.dataset.link = state;
    link.textContent = words;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var timers = board.querySelectorAll(".timer");
    for (var i = 0; i < timers.length; i++) {
      var timer = timers[i];
      var left;
      if (timer.dataset.ends) {
        left = (Number(timer.dataset.ends) - (Date.now() + skew)) / 1000;
      } else {
        left = Number(timer.dataset.left || 0);
      }
      left = Math.max(0, left);
      var whole = Math.round(left);
      timer.querySelector(".clock").textContent = two(Math.floor(whole / 60)) + ":" + two(whole % 60);
      timer.classList.toggle("warn", left <= 300 && left > 60);
      timer.classList.toggle("alarm", left <= 60);
      timer.classList.toggle("calm", left > 300);
      if (timer.dataset.ends && left <= 0) {
        timer.querySelector(".state").textContent = "time is up";
      }
    }
  }

  function openDetails() {
    var open = {};
    var found = board.querySelectorAll(".card details[open]");
    for (var i = 0; i < found.length; i++) {
      open[found[i].closest(".card").dataset.block] = true;
    }
    return open;
  }

  function show(message) {
    var open = openDetails();
    skew = Number(message.now) - Date.now();
    // The server escaped every piece of user text in this HTML.
    board.innerHTML = message.html;
    var again = board.querySelectorAll(".card");
    for (var i = 0; i < again.length; i++) {
      var details = again[i].querySelector("details");
      if (details && open[again[i].dataset.block]) details.open = true;
    }
    // Plain text (never markup): the board's file name, as the server names it.
    if (typeof message.title === "string" && document.title !== message.title) {
      document.title = message.title;
    }
    root.dataset.version = String(message.v);
    tick();
  }

  function watch() {
    if (source && root.dataset.link === "live" && Date.now() - heard > quiet) {
      source.close();
      setLink("lost", "reconnecting…");
      connect();
    }
  }

  function connect() {
    retry = null;
    heard = Date.now();
    source = new EventSource("/live" + window.location.search);
    source.onopen = function () {
      heard = Date.now();
      // (Asking again after another board was seen: live once its own board comes.)
      if (root.dataset.link !== "other") setLink("live", "live");
    };
    source.addEventListener("alive", function () { heard = Date.now(); });
    source.onmessage = function (event) {
      heard = Date.now();
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (mine && message.board && message.board !== mine) { elsewhere(message); return; }
      show(message);
      setLink("live", "live");
      root.dataset.ready = "1";
    };
    source.addEventListener("end", function () {
      // Sharing stopped: the board as it was then stays; it comes back here if the
      // facilitator shares it again.
      source.close();
      setLink("ended", "The facilitator stopped sharing: this is the board as it was then. " +
        "It comes back here if sharing starts again.");
      if (!retry) retry = setTimeout(connect, 5000);
    });
    source.onerror = function () {
      if (root.dataset.link !== "ended") setLink("lost", "reconnecting…");
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (a refused answer, or a server that restarted): ask why,
        // then start over, unless this address no longer opens the board.
        source.close();
        if (!retry) retry = setTimeout(check, 2000);
      }
    };
  }

  function elsewhere(message) {
    // Another board is shared at this address now (its facilitator's next session):
    // this page keeps its own board, and says so (plain text, never markup).
    source.close();
    if (retry) { clearTimeout(retry); retry = null; }
    var named = typeof message.title === "string" ?
      message.title.replace(/ · planboard$/, "") : "another file";
    setLink("other", "This address shares another board now (" + named + "): this is " +
      "the board as it was. Reload the page to see that one.");
    root.dataset.ready = "1";
    // (Asked again now and then: its own board shared here again, it follows it again.)
    retry = setTimeout(connect, 10000);
  }

  function check() {
    retry = null;
    fetch("/live" + window.location.search, { method: "HEAD", cache: "no-store" }).then(
      function (answer) {
        if (answer.status === 401) {
          setLink("refused", "This address no longer opens the board: ask the facilitator " +
            "for the one planboard shows now.");
          // (Asked again now and then: served again with this address, it comes back.)
          if (!retry) retry = setTimeout(check, 30000);
        } else {
          connect();
        }
      },
      function () { connect(); }
    );
  }

  skew = Number(board.dataset.now || Date.now()) - Date.now();
  tick();
  setInterval(tick, 250);
  setInterval(watch, 2000);
  connect();
})();
