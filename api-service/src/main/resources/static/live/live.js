// The live dashboard: sign in through the API, then one WebSocket to /ws authenticated by its first
// message (a browser cannot set an Authorization header on a WebSocket, and a token in the URL
// would land in access logs). The server pushes this merchant's events; nothing is polled.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let token = null;
  let socket = null;
  let retry = 1000;

  function setStatus(state, text) {
    $("status").dataset.state = state;
    $("status").textContent = text;
  }

  async function signIn(event) {
    event.preventDefault();
    $("error").textContent = "";
    const res = await fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: $("email").value, password: $("password").value }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      $("error").textContent = body.detail || "Sign-in failed (" + res.status + ")";
      return;
    }
    token = body.accessToken;
    $("signin").hidden = true;
    $("live").hidden = false;
    connect();
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/ws");
    setStatus("connecting", "connecting");
    socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token: token }));
    socket.onmessage = (m) => receive(JSON.parse(m.data));
    socket.onclose = (e) => {
      setStatus("reconnecting", "disconnected (" + e.code + "), reconnecting");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function receive(msg) {
    if (msg.kind === "ready") {
      retry = 1000;
      setStatus("live", "live as " + msg.role.toLowerCase());
      return;
    }
    if (msg.kind !== "event") {
      return;
    }
    const e = msg.event;
    const d = e.data || {};
    const [aggregate] = e.type.split(".");
    const list = { order: "orders", product: "products", ticket: "tickets", notification: "notifications" }[aggregate];
    if (!list) {
      return;
    }
    let text;
    if (aggregate === "order") {
      text = e.type + " #" + d.number + " " + d.status + " " + (d.total / 100).toFixed(2) + " " + d.currency;
    } else if (aggregate === "product") {
      text = e.type + " " + d.sku + " stock " + d.stock;
    } else if (aggregate === "ticket") {
      text = e.type + " #" + d.number + " " + d.status + " " + (d.subject || "");
    } else {
      text = d.kind + ": " + d.subject;
    }
    const li = document.createElement("li");
    li.dataset.type = e.type;
    li.dataset.id = d.orderId || d.productId || d.ticketId || d.notificationId || "";
    const time = document.createElement("time");
    time.textContent = new Date(e.occurredAt).toLocaleTimeString();
    li.append(time, document.createTextNode(text));
    $(list).prepend(li);
    while ($(list).children.length > 100) {
      $(list).lastChild.remove();
    }
  }

  document.addEventListener("DOMContentLoaded", () => $("signin").addEventListener("submit", signIn));
})();
