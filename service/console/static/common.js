// What the agent console and the review screen share: the API key kept for this tab only, and the
// small DOM helpers. Everything shown is set with textContent: values are never parsed as HTML.
"use strict";

const KEY_STORAGE = "idgraph.apiKey";
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function showKeyStatus() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  // The key id (idg_<keyId>_<secret>) is public; the secret is never shown back.
  $("key-status").textContent = key ? `using key ${key.split("_")[1] || "?"} (this tab only)` : "no key";
}

function useKey(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  $("api-key").value = "";
  showKeyStatus();
}
