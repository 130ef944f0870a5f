// Uploads files pasted or dropped into an editor's text area, or chosen
// with its "Datei hinzufügen" button, and inserts their Markdown at the
// cursor. Progress and outcome are announced in a status region.
(function () {
  "use strict";

  function setup(box) {
    var textarea = document.getElementById(box.dataset.for);
    var form = box.closest("form");
    if (!textarea || !form) return;
    var status = box.querySelector("[data-upload-status]");
    var input = box.querySelector("[data-upload-input]");
    var token = form.querySelector("input[name=csrf_token]");
    box.hidden = false;

    function fill(template, values) {
      return template.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
    }

    // A pasted screenshot is called "image.png" by every browser; a name
    // with the time keeps several of them apart.
    function named(file) {
      if (!/^image\.(png|jpe?g|gif|webp)$/i.test(file.name)) return file;
      var d = new Date(), p = function (n) { return String(n).padStart(2, "0"); };
      var name = "bild-" + d.getFullYear() + p(d.getMonth() + 1) + p(d.getDate()) + "-" + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds()) + file.name.slice(file.name.lastIndexOf("."));
      return new File([file], name, { type: file.type });
    }

    function insert(text) {
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      var before = textarea.value.slice(0, start);
      var sep = before && !/\s$/.test(before) ? " " : "";
      textarea.setRangeText(sep + text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload(file) {
      file = named(file);
      var data = new FormData();
      data.append("file", file);
      if (token) data.append("csrf_token", token.value);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", box.dataset.uploadUrl);
      xhr.setRequestHeader("Accept", "application/json");
      if (token) xhr.setRequestHeader("X-CSRF-Token", token.value);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) status.textContent = fill(box.dataset.uploading, { name: file.name, percent: Math.round(100 * e.loaded / e.total) });
      });
      xhr.addEventListener("load", function () {
        var json = {};
        try { json = JSON.parse(xhr.responseText); } catch (e) { /* an error page */ }
        if (xhr.status >= 200 && xhr.status < 300 && json.markdown) {
          insert(json.markdown);
          status.textContent = fill(box.dataset.done, { name: json.name });
        } else {
          var message = (json.error && json.error.message) || xhr.statusText;
          status.textContent = fill(box.dataset.failed, { name: file.name, message: message });
        }
      });
      xhr.addEventListener("error", function () {
        status.textContent = fill(box.dataset.failed, { name: file.name, message: "" });
      });
      status.textContent = fill(box.dataset.uploading, { name: file.name, percent: 0 });
      xhr.send(data);
    }

    function uploadAll(files) {
      Array.prototype.forEach.call(files, upload);
    }

    textarea.addEventListener("paste", function (e) {
      var files = e.clipboardData && e.clipboardData.files;
      if (files && files.length) {
        e.preventDefault();
        uploadAll(files);
      }
    });
    textarea.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) e.preventDefault();
    });
    textarea.addEventListener("drop", function (e) {
      var files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length) {
        e.preventDefault();
        textarea.focus();
        uploadAll(files);
      }
    });
    box.querySelector("[data-upload-button]").addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      uploadAll(input.files);
      input.value = "";
      textarea.focus();
    });
  }

  document.querySelectorAll(".editor-files[data-upload-url]").forEach(function (box) {
    if (!box.dataset.ready) {
      box.dataset.ready = "1";
      setup(box);
    }
  });
})();
