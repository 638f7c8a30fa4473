/// The stylesheet and script inlined into every HTML report: the report makes no network
/// request and needs nothing beside itself.
enum HTMLReportAssets {
    static let css = """
        :root { --pass: #1a7f37; --fail: #c62828; --error: #b26a00; --na: #6b7280; --waived: #1f5fbf; --line: #d8dde3; --soft: #f5f7f9; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c2430; margin: 0 auto; padding: 0 24px 48px; max-width: 1200px; }
        header { border-bottom: 2px solid #1c2430; padding: 18px 0 10px; }
        h1 { font-size: 24px; margin: 0 0 6px; }
        h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 0 0 6px; }
        section#summary h3, section#appendix h3 { margin-top: 20px; }
        code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12.5px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; }
        dl.facts dt { color: var(--na); }
        dl.facts dd { margin: 0; word-break: break-all; }
        .badge { display: inline-block; min-width: 4.6em; text-align: center; border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 600; color: #fff; }
        .badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.error { background: var(--error); }
        .badge.not_applicable { background: var(--na); } .badge.waived { background: var(--waived); }
        .sev { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--na); }
        .sev.critical, .sev.high { color: var(--fail); font-weight: 600; }
        .banner { border: 1px solid var(--line); border-left: 6px solid var(--na); background: var(--soft); padding: 8px 12px; margin: 12px 0; }
        .banner.bad { border-left-color: var(--fail); } .banner.ok { border-left-color: var(--pass); }
        #filters { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line); padding: 8px 0; display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
        #filters label { font-size: 13px; color: var(--na); }
        #filters select { font: inherit; margin-left: 4px; max-width: 22em; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
        .card .rate { font-size: 26px; font-weight: 700; }
        .card svg { display: block; width: 100%; height: 14px; margin: 6px 0; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
        th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
        th { background: var(--soft); font-weight: 600; font-size: 13px; }
        td.wrap { word-break: break-word; }
        article.control { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
        article.control.fail { border-left: 5px solid var(--fail); } article.control.error { border-left: 5px solid var(--error); }
        article.control.pass { border-left: 5px solid var(--pass); }
        .note { color: #38424f; font-style: italic; }
        ul.rules { margin: 4px 0 8px; padding-left: 18px; }
        tr.detail > td { background: #fcfcfd; padding: 6px 10px 12px 24px; }
        tr.detail table { margin: 4px 0; }
        pre { white-space: pre-wrap; background: var(--soft); padding: 6px 8px; margin: 4px 0; }
        details > summary { cursor: pointer; }
        .muted { color: var(--na); }
        footer { margin-top: 36px; border-top: 1px solid var(--line); padding-top: 8px; color: var(--na); font-size: 12px; }
        nav.site { display: flex; gap: 16px; align-items: baseline; padding: 10px 0; border-bottom: 1px solid var(--line); }
        nav.site a { font-weight: 600; }
        #filters input { font: inherit; margin-left: 4px; }
        .pager { color: var(--na); }
        [hidden] { display: none !important; }
        @page { size: A4; margin: 14mm 12mm; }
        @media print {
          body { font-size: 10pt; max-width: none; padding: 0; }
          #filters, nav.site, .pager { display: none; }
          section.framework, section#appendix { break-before: page; }
          article.control { break-inside: avoid-page; }
          tr, .card { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          a { color: inherit; text-decoration: none; }
          .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """

    /// Filters (framework, verdict, asset, severity), kept in the address's `#` part so a
    /// filtered view can be linked; print opens every folded section.
    static let script = """
        (function () {
          var keys = ['framework', 'verdict', 'asset', 'severity'];
          function sel(k) { return document.getElementById('f-' + k); }
          function apply() {
            var v = {}; keys.forEach(function (k) { v[k] = sel(k).value; });
            var shown = 0, total = 0;
            document.querySelectorAll('section.framework').forEach(function (sec) {
              var any = false;
              sec.querySelectorAll('article.control').forEach(function (c) {
                total++;
                var rows = 0;
                c.querySelectorAll('tr[data-asset]').forEach(function (r) {
                  var ok = (!v.asset || r.dataset.asset === v.asset) && (!v.severity || r.dataset.severity === v.severity);
                  r.hidden = !ok;
                  if (ok && !r.classList.contains('detail')) rows++;
                });
                var ok = (!v.framework || c.dataset.framework === v.framework) && (!v.verdict || c.dataset.verdict === v.verdict) &&
                         ((!v.asset && !v.severity) || rows > 0);
                c.hidden = !ok;
                if (ok) { shown++; any = true; }
              });
              sec.hidden = !any;
            });
            document.getElementById('f-count').textContent = shown + ' of ' + total + ' controls shown';
            var h = keys.filter(function (k) { return v[k]; }).map(function (k) { return k + '=' + encodeURIComponent(v[k]); }).join('&');
            if (history.replaceState) { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); }
          }
          location.hash.replace(/^#/, '').split('&').forEach(function (part) {
            var kv = part.split('='), s = keys.indexOf(kv[0]) >= 0 ? sel(kv[0]) : null;
            if (s && kv.length === 2) {
              var want = decodeURIComponent(kv[1]);
              for (var i = 0; i < s.options.length; i++) { if (s.options[i].value === want) { s.value = want; } }
            }
          });
          keys.forEach(function (k) { sel(k).addEventListener('change', apply); });
          window.addEventListener('beforeprint', function () {
            document.querySelectorAll('details').forEach(function (d) { d.dataset.wasOpen = d.open ? '1' : ''; d.open = true; });
          });
          window.addEventListener('afterprint', function () {
            document.querySelectorAll('details').forEach(function (d) { d.open = d.dataset.wasOpen === '1'; });
          });
          apply();
        })();
        """

    /// The script of every page of the report as a folder: the filters present on the page
    /// (framework, verdict, severity: a choice; asset: a part of the name) hide the rows of
    /// its `filterable` tables that do not match, and a framework's section when none of its
    /// rows is left; the choice is kept in the address's `#` part, as in the one-file report.
    static let folderScript = """
        (function () {
          var keys = ['framework', 'verdict', 'severity', 'asset'];
          function sel(k) { return document.getElementById('f-' + k); }
          var present = keys.filter(function (k) { return sel(k); });
          window.addEventListener('beforeprint', function () {
            document.querySelectorAll('details').forEach(function (d) { d.dataset.wasOpen = d.open ? '1' : ''; d.open = true; });
          });
          window.addEventListener('afterprint', function () {
            document.querySelectorAll('details').forEach(function (d) { d.open = d.dataset.wasOpen === '1'; });
          });
          if (!present.length) { return; }
          function apply() {
            var v = {}; present.forEach(function (k) { v[k] = sel(k).value; });
            var name = (v.asset || '').toLowerCase(), shown = 0, total = 0;
            document.querySelectorAll('table.filterable').forEach(function (t) {
              var any = false;
              Array.prototype.forEach.call(t.tBodies[0].rows, function (r) {
                var d = r.dataset;
                var ok = (!v.framework || d.framework === v.framework) && (!v.verdict || d.verdict === v.verdict) &&
                         (!v.severity || (' ' + (d.severity || '') + ' ').indexOf(' ' + v.severity + ' ') >= 0) &&
                         (!name || (d.asset || '').toLowerCase().indexOf(name) >= 0);
                r.hidden = !ok;
                if (!r.classList.contains('detail')) { total++; if (ok) { shown++; any = true; } }
              });
              var sec = t.closest('section.framework');
              if (sec) { sec.hidden = !any; }
            });
            var count = document.getElementById('f-count');
            count.textContent = shown + ' of ' + total + ' ' + count.dataset.noun + ' shown';
            var h = present.filter(function (k) { return v[k]; }).map(function (k) { return k + '=' + encodeURIComponent(v[k]); }).join('&');
            if (history.replaceState) { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); }
          }
          location.hash.replace(/^#/, '').split('&').forEach(function (part) {
            var kv = part.split('='), s = present.indexOf(kv[0]) >= 0 ? sel(kv[0]) : null;
            if (!s || kv.length !== 2) { return; }
            var want = decodeURIComponent(kv[1]);
            if (s.tagName === 'INPUT') { s.value = want; return; }
            for (var i = 0; i < s.options.length; i++) { if (s.options[i].value === want) { s.value = want; } }
          });
          present.forEach(function (k) { sel(k).addEventListener(sel(k).tagName === 'INPUT' ? 'input' : 'change', apply); });
          apply();
        })();
        """
}
